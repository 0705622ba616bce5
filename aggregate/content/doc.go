// Package content splits requests into pages and static files, and counts
// them by content type as the path's extension tells it (GoAccess's
// "static requests", Webalizer's and AWStats's "file types").
//
// A page is what the State calls one (dim.Hit.Page): a path whose last
// segment has one of the page extensions (--page-ext; by default htm,
// html, php, asp, aspx, jsp, cgi, pl, shtml, or no extension at all).
// Every other request is static: images, scripts, style sheets, fonts,
// downloads. Both are counted with requests and bytes, exactly.
//
// The extension is what follows the last dot of the path's last segment
// (the path has no query), in ASCII lower case and cut to MaxExtLen bytes.
// A segment without a dot, or ending with one, has none and is counted
// under "(none)" (an extension spelled "(none)" would be counted with
// them: a hostile log can only add to that row, not hide one).
// The types are a top list (sketch.TopK, no visitor counts), exact up to
// its capacity, with a stated error beyond.
//
// [Content] is the dimension; its state file section is "content".
package content
