package status

// Class indexes of per-class arrays (the State's classes, a report's).
const (
	Class0xx = iota // 000: no response (AWS ALB)
	Class1xx
	Class2xx
	Class3xx
	Class4xx
	Class5xx
	ClassNonStandard // 001-099 and 600-999, kept by number
	NumClasses
)

// ClassNames are the names of the classes, by class index.
var ClassNames = [NumClasses]string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "non-standard"}

// ClassIndex returns the class index of code: [Class0xx] for 000,
// [Class1xx]..[Class5xx], and [ClassNonStandard] for 001-099 and 600-999
// (and anything above 999, which a parser never gives).
func ClassIndex(code uint16) int {
	switch {
	case code == 0:
		return Class0xx
	case code < 100 || code > 599:
		return ClassNonStandard
	}
	return int(code / 100)
}

// ClassOf returns the class name of code: "0xx" for 000, "1xx".."5xx",
// and "non-standard" for 001-099 and 600-999. No code is ever "unknown":
// unknown codes keep their number.
func ClassOf(code uint16) string { return ClassNames[ClassIndex(code)] }

// IsClientAborted reports whether code says the client never got a
// response: nginx 499 (client closed the request) and 444 (connection
// closed without a response).
func IsClientAborted(code uint16) bool { return code == 499 || code == 444 }

// ClientAbortedCodes are the codes of the client-aborted group, in the
// order reports list them ([IsClientAborted] holds for exactly these).
var ClientAbortedCodes = [...]uint16{444, 499}

// HasDrill reports whether records of code get a drill-down list (where
// they happened: URLs and clients) by default: error codes (4xx, 5xx), 000
// and non-standard codes.
func HasDrill(code uint16) bool { return code < 100 || code >= 400 }

// classCode is a code of each class, by class index.
var classCode = [NumClasses]uint16{0, 100, 200, 300, 400, 500, 600}

// ClassHasDrill reports whether the codes of the class named name get
// drill-down lists by default ([HasDrill] holds for every code of a
// class or for none). An unknown name has none.
func ClassHasDrill(name string) bool {
	for ci, n := range ClassNames {
		if n == name {
			return HasDrill(classCode[ci])
		}
	}
	return false
}
