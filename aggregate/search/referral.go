package search

// Referral returns the engine (see EngineName) of a referrer from a search
// engine and its phrase cleaned into dst, as Search counts them; engine
// is -1 when ref is not from an engine, ok false when it carries no
// phrase. Other sources of figures (a report from ClickHouse) use it to
// count as Search does.
func Referral(dst, ref []byte) (engine int, phrase []byte, ok bool) {
	if len(ref) <= 8 {
		return -1, dst[:0], false
	}
	e, q := engineOf(ref)
	if e < 0 {
		return -1, dst[:0], false
	}
	phrase, _, ok = Param(dst, nil, q, engines[e].params)
	return e, phrase, ok
}

// EngineParams are the query parameters that carry the phrase of any
// engine, lower case.
func EngineParams() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range engines {
		for _, p := range e.params {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// EngineLabel returns the label that names the hosts of engine i
// ("google"): a referrer whose host does not hold it is not from i.
func EngineLabel(i int) string { return engines[i].label }
