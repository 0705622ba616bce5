// Package status knows what HTTP status codes mean and holds the rules
// about them, each in one place, for the State that counts them and the
// reports that show them.
//
// The registry ([Lookup], [LookupFrom], [LookupSub], [Meanings]) is the
// embedded copy of shared/data/status-codes.tsv: a code may have several
// meanings, one per source (RFC 9110, nginx, IIS, Cloudflare, AWS...), and
// IIS sub-statuses (404.2) have their own rows. [Win32Text] gives the
// Windows message of an IIS sc-win32-status.
//
// Every code keeps its number; it is never "unknown". The classes
// ([ClassIndex], [ClassOf], [ClassNames]) are 0xx (000 alone: no response),
// 1xx to 5xx, and non-standard (001-099 and 600-999). The rules:
// [IsClientAborted] (nginx 499 and 444: the client never got a response)
// and [HasDrill] (which codes get drill-down lists of URLs and clients).
package status
