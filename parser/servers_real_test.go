package parser

import (
	"path/filepath"
	"testing"
)

// TestServerFormatsRealLogs reads the samples of other servers' logs in
// the shared corpus (other/, see its SOURCES.md) with their named formats,
// and with auto-detection: want sums each file up as clfSummary does.
func TestServerFormatsRealLogs(t *testing.T) {
	dir := w3cRealDataDir()
	if dir == "" {
		t.Skip("real log corpus not found (../../shared/testdata/real or $WEBALYZE_REAL_DATA); skipping")
	}
	tests := []struct {
		file, spec string
		auto       string // the format auto-detection picks, "none" for none
		want       string
	}{
		// elb_status: 200=6 404=8 (SOURCES.md); the 404s have target_status "-".
		{file: "other/alb_crowdsec_aws-alb-logs.log", spec: "alb", auto: "alb",
			want: "lines=14 parsed=14 skipped= malformed= codes=200:6,404:8 time=2018-07-02T22:23:00.186641Z..2023-04-26T19:53:56.715663Z bad="},
		{file: "other/matomo_alb.log", spec: "alb", auto: "alb",
			want: "lines=1 parsed=1 skipped= malformed= codes=200:1 time=2020-01-01T00:55:04.127531Z..2020-01-01T00:55:04.127531Z bad="},
		// elb_status: -=1 200=1; line 2 is a "#" comment (malformed: ELB logs
		// have none), line 3 a TCP entry: no status, request "- - - " not HTTP.
		{file: "other/matomo_elb.log", spec: "elb", auto: "elb",
			want: "lines=3 parsed=2 skipped= malformed=invalid_timestamp:1 codes=-:1,200:1 time=2015-05-13T23:39:43.945958Z..2015-05-13T23:39:43.945958Z bad=2:1:invalid_timestamp"},
		// No #Fields header: CloudFront's documented columns; sc-status 400=2.
		{file: "other/cloudfront_crowdsec_aws-cloudfront-logs.log", spec: "cloudfront", auto: "cloudfront",
			want: "lines=2 parsed=2 skipped= malformed= codes=400:2 time=2024-03-12T15:22:28Z..2024-03-12T15:22:28Z bad="},
		{file: "other/matomo_amazon_cloudfront_web.log", spec: "cloudfront", auto: "cloudfront",
			want: "lines=3 parsed=1 skipped=directive:2 malformed= codes=200:1 time=2014-05-23T01:13:11Z..2014-05-23T01:13:11Z bad="},
		// statuses 0=7 (000) 200=1 401=2; line 11 is not an access entry, 12 blank.
		{file: "other/caddy_crowdsec_caddy-logs.log", spec: "caddy", auto: "caddy",
			want: "lines=12 parsed=10 skipped=blank:1 malformed=missing_fields:1 codes=000:7,200:1,401:2 time=2023-09-04T15:19:51.7564995Z..2024-03-29T19:51:04.947103Z bad=11:1:missing_fields"},
		// Every line behind a docker compose prefix ("caddy  | "): not JSON.
		{file: "other/caddy_lnav_logfile_caddy_log.0.log", spec: "caddy", auto: "none",
			want: "lines=39 parsed=0 skipped= malformed=invalid_json:39 codes= time= bad=1:1:invalid_json,2:1:invalid_json,3:1:invalid_json,4:1:invalid_json,5:1:invalid_json"},
		{file: "other/caddy_lnav_logfile_caddy_log.1.log", spec: "caddy", auto: "caddy",
			want: "lines=4 parsed=4 skipped= malformed= codes=200:4 time=2024-05-26T11:42:52.6014807Z..2024-05-26T14:16:03.4146512Z bad="},
		{file: "other/matomo_caddy_json.log", spec: "caddy", auto: "caddy",
			want: "lines=3 parsed=3 skipped= malformed= codes=200:3 time=2023-12-23T23:17:54.8155608Z..2023-12-23T23:17:55.141868Z bad="},
		// statuses 200=4 204=1 404=1; line 6 is a plugin's DEBUG line.
		{file: "other/traefik-json_crowdsec_traefik_json.log", spec: "traefik-json", auto: "traefik-json",
			want: "lines=7 parsed=6 skipped= malformed=invalid_json:1 codes=200:4,204:1,404:1 time=2021-12-08T14:02:43.587782192Z..2026-01-14T09:45:33.759014877Z bad=6:1:invalid_json"},
		{file: "other/matomo_traefik_json.log", spec: "traefik-json", auto: "traefik-json",
			want: "lines=1 parsed=1 skipped= malformed= codes=200:1 time=2023-08-11T11:39:21.773360139Z..2023-08-11T11:39:21.773360139Z bad="},
		{file: "other/traefik-clf_crowdsec_traefik_clf.log", spec: "traefik", auto: "traefik",
			want: "lines=9 parsed=7 skipped=blank:2 malformed= codes=-:1,200:6 time=2021-12-08T09:16:05Z..2024-11-24T13:40:15Z bad="},
		// 200=2; lines 3-5 are SSL handshake messages, not HTTP log lines.
		{file: "other/haproxy_crowdsec_haproxy-logs.log", spec: "haproxy", auto: "haproxy",
			want: "lines=5 parsed=2 skipped= malformed=missing_fields:3 codes=200:2 time=2015-01-14T12:48:57.127Z..2021-03-12T06:56:28.088Z bad=3:133:missing_fields,4:101:missing_fields,5:112:missing_fields"},
		// 200=13 behind a syslog prefix; start-up lines and one SSL failure.
		{file: "other/haproxy_lnav_logfile_haproxy.0.log", spec: "haproxy", auto: "haproxy",
			want: "lines=17 parsed=13 skipped= malformed=literal_mismatch:3,missing_fields:1 codes=200:13 time=2019-02-25T16:19:48.143Z..2019-02-25T16:20:14.317Z bad=1:1:literal_mismatch,2:1:literal_mismatch,3:1:literal_mismatch,14:130:missing_fields"},
		{file: "other/matomo_haproxy.log", spec: "haproxy", auto: "haproxy",
			want: "lines=1 parsed=1 skipped= malformed= codes=200:1 time=2018-09-25T06:05:27.584Z..2018-09-25T06:05:27.584Z bad="},
		// Behind the CRI prefix: 4 text lines and 6 Envoy Gateway JSON lines.
		{file: "other/envoy_crowdsec_envoy.log", spec: "envoy", auto: "envoy",
			want: "lines=10 parsed=10 skipped= malformed= codes=200:4,201:2,204:1,301:2,404:1 time=2016-04-15T20:17:00.31Z..2026-01-24T01:38:00Z bad="},
		{file: "nginx/integrations_ingress-nginx_upstreaminfo_test-ingest-raw.log", spec: "ingress-nginx", auto: "ingress-nginx",
			want: "lines=24 parsed=24 skipped= malformed= codes=200:21,400:2,502:1 time=2020-02-07T11:48:51Z..2022-08-24T21:04:17Z bad="},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, filepath.FromSlash(tt.file))
			f, err := ParseFormatSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			got, err := clfSummary(path, f)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("-f %s\n got: %s\nwant: %s", tt.spec, got, tt.want)
			}
			d, err := clfDetect(path)
			if err != nil {
				t.Fatal(err)
			}
			name := "none"
			if d.Format != nil {
				name = d.Format.Name()
			}
			if name != tt.auto {
				t.Errorf("auto picked %s (derived %q), want %s", name, d.Derived, tt.auto)
			}
		})
	}
}
