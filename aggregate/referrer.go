package aggregate

// IsExternalReferrer reports whether a referrer counts in the referrer
// list (the rule documented on [State.Referrers]): a non-empty referrer
// other than "-" whose host differs from the virtual host (without its
// port) and from every site host (lower case, without port, as
// [SiteHost] makes them). Stores that keep the flag per request (the
// ClickHouse loader) use it so that their list is a local run's.
func IsExternalReferrer(ref, vhost []byte, sites []string) bool {
	return isExternalReferrer(ref, vhost, sites)
}
