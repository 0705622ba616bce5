package main

// The ClickHouse source does not count the extra panels (referring sites,
// search, content, remote users, status by virtual host): its model has
// none of their keys (docs/clickhouse.md).
func init() {
	chDifferent = append(chDifferent, "referring_sites", "search", "content", "remote_users", "vhost_status")
}
