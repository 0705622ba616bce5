// Package templates holds the HTML report's template and stylesheet,
// embedded in the binary so the report needs no files at run time.
//
// report.html is an html/template text executed by package report with a
// page value; report.css is inlined into its <style> element (and hashed
// for the page's Content-Security-Policy).
package templates

import "embed"

// FS holds report.html, the sections it includes (one file each, *.html),
// and report.css.
//
//go:embed *.html report.css
var FS embed.FS
