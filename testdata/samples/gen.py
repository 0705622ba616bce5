#!/usr/bin/env python3
"""Writes the bundled sample logs of webalyze (make demo, golden tests).

Deterministic (random.Random with fixed seeds). The samples cover two months,
an incident (a burst of 502/504 and client-aborted 499 in a few minutes), 404
scanners, nginx 444, and IIS sub-status and win32 codes. Run from this folder:
    python3 gen.py
"""
import gzip
import random
from datetime import datetime, timedelta, timezone

PAGES = ["/", "/index.html", "/about", "/blog/", "/blog/post-1", "/blog/post-2", "/products",
         "/products/42", "/search", "/api/v1/items", "/api/v1/cart", "/contact.php", "/docs/intro.html"]
ASSETS = ["/static/app.js", "/static/app.css", "/img/logo.png", "/favicon.ico", "/fonts/inter.woff2"]
SCANNERS = ["/wp-login.php", "/.env", "/phpmyadmin/index.php", "/cgi-bin/test.cgi", "/.git/config", "/admin.php"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "curl/8.5.0",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "python-requests/2.31.0",
]
REFERRERS = ["-", "-", "https://www.google.com/", "https://example.org/blog/", "https://news.ycombinator.com/",
             "https://example.org/"]


def clients(rng, n):
    out = []
    for i in range(n):
        if i % 9 == 0:
            out.append("2001:db8::%x" % rng.randrange(1, 0xffff))
        else:
            out.append("%d.%d.%d.%d" % (rng.choice([10, 82, 93, 145, 203]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)))
    return out


def pick_status(rng, path, incident, aborted):
    if path in SCANNERS:
        return rng.choice([404, 404, 404, 403, 444])
    if incident:
        return rng.choice([502, 502, 504, 503, 200, 499])
    if aborted:
        return 499
    r = rng.random()
    for p, code in [(0.78, 200), (0.86, 304), (0.89, 301), (0.91, 302), (0.95, 404), (0.96, 206), (0.97, 201),
                    (0.975, 400), (0.98, 401), (0.985, 429), (0.99, 499), (0.995, 500), (1.0, 503)]:
        if r < p:
            return code
    return 200


def nginx(path, timing=None):
    rng = random.Random(1)
    cl = clients(rng, 60)
    start = datetime(2024, 2, 26, tzinfo=timezone.utc)
    t = start
    lines = []
    incident_start = datetime(2024, 3, 5, 14, 2, tzinfo=timezone.utc)
    while len(lines) < (3000 if timing is None else 400):
        near = incident_start - timedelta(minutes=30) < t < incident_start + timedelta(minutes=30)
        t += timedelta(seconds=rng.randrange(1, 20) if near else rng.randrange(1, 800))
        incident = incident_start <= t < incident_start + timedelta(minutes=6)
        r = rng.random()
        path_ = rng.choice(SCANNERS) if r < 0.04 else rng.choice(ASSETS) if r < 0.4 else rng.choice(PAGES)
        if rng.random() < 0.1 and path_ in ("/search", "/products"):
            path_ += "?q=%s&page=%d" % (rng.choice(["shoes", "caf%C3%A9", "a+b"]), rng.randrange(1, 5))
        status = pick_status(rng, path_.split("?")[0], incident, False)
        method = "POST" if path_.startswith("/api/v1/cart") and rng.random() < 0.5 else rng.choice(["GET"] * 12 + ["HEAD"])
        size = 0 if status in (304, 444, 499, 204) else rng.randrange(200, 90000)
        rt = rng.randrange(1, 300) / 1000.0
        if incident:
            rt = rng.randrange(5000, 60000) / 1000.0
        up = "-" if status in (444, 304) or path_ in ASSETS else "%.3f" % max(rt - 0.001, 0)
        ts = t.strftime("%d/%b/%Y:%H:%M:%S +0000")
        lines.append('%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s"' % (
            rng.choice(cl), ts, method, path_, status, size, rng.choice(REFERRERS), rng.choice(AGENTS)))
        if timing is not None:
            timing.append(lines[-1] + " %.3f %s" % (rt, up))
        if incident:
            for _ in range(rng.randrange(3, 9)):
                lines.append('%s - - [%s] "GET /api/v1/items HTTP/1.1" %d 0 "-" "%s"' % (
                    rng.choice(cl), ts, rng.choice([502, 504, 499]), rng.choice(AGENTS)))
    with open(path, "w") as f:
        f.write("\n".join(lines if timing is None else timing) + "\n")


def apache(path):
    rng = random.Random(2)
    cl = clients(rng, 30)
    t = datetime(2024, 3, 1, 6, tzinfo=timezone(timedelta(hours=1)))
    out = []
    for i in range(800):
        t += timedelta(seconds=rng.randrange(5, 600))
        vhost = rng.choice(["www.example.org:443", "shop.example.org:443", "www.example.org:80"])
        p = rng.choice(PAGES + ASSETS + SCANNERS[:2])
        status = pick_status(rng, p, False, False)
        size = "-" if status in (304, 204) else str(rng.randrange(150, 50000))
        out.append('%s %s - %s [%s] "GET %s HTTP/1.1" %d %s "%s" "%s"' % (
            vhost, rng.choice(cl), rng.choice(["-", "-", "-", "alice"]), t.strftime("%d/%b/%Y:%H:%M:%S %z"), p, status,
            size, rng.choice(REFERRERS), rng.choice(AGENTS)))
    # A few broken lines, as real logs have.
    out.insert(100, '203.0.113.9 - - [05/Mar/2024:10:00:00 +0100] "GET / HTTP/1.1" 2000 12 "-" "x"')
    out.insert(200, 'www.example.org:443 203.0.113.9 - - [31/Feb/2024:10:00:00 +0100] "GET / HTTP/1.1" 200 12 "-" "x"')
    out.insert(300, '')
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def iis(path):
    rng = random.Random(3)
    cl = clients(rng, 40)
    fields = "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
    t = datetime(2024, 3, 4, 0, 0, 5, tzinfo=timezone.utc)
    out = ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
           "#Date: 2024-03-04 00:00:05", "#Fields: " + fields]
    subs = [(200, 0, 0), (200, 0, 0), (200, 0, 0), (304, 0, 0), (404, 0, 2), (404, 0, 2), (401, 2, 5), (401, 1, 1326),
            (403, 14, 0), (500, 19, 13), (404, 7, 0), (502, 3, 12002), (503, 2, 0), (200, 0, 64)]
    for i in range(600):
        t += timedelta(seconds=rng.randrange(10, 900))
        if i == 300:
            # IIS restarted: a new header block with a different field order.
            fields = "date time c-ip cs-method cs-uri-stem cs-uri-query sc-status sc-substatus sc-win32-status sc-bytes time-taken cs(User-Agent)"
            out += ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
                    "#Date: " + t.strftime("%Y-%m-%d %H:%M:%S"), "#Fields: " + fields]
        status, sub, win = rng.choice(subs)
        p = rng.choice(["/default.aspx", "/api/orders", "/login.aspx", "/Scripts/site.js", "/owa/auth.owa"])
        q = rng.choice(["-", "-", "id=%d" % rng.randrange(100)])
        ua = rng.choice(AGENTS).replace(" ", "+")
        taken = rng.randrange(1, 900)
        if fields.startswith("date time s-ip"):
            out.append("%s %s 10.0.0.5 %s %s %s 443 %s %s %s %s %d %d %d %d" % (
                t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"), rng.choice(["GET", "GET", "POST"]), p, q,
                rng.choice(["-", "-", "CORP\\bob"]), rng.choice(cl), ua, rng.choice(["-", "https://intranet.example.com/"]),
                status, sub, win, taken))
        else:
            out.append("%s %s %s GET %s %s %d %d %d %d %d %s" % (
                t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S"), rng.choice(cl), p, q, status, sub, win,
                rng.randrange(0, 40000), taken, ua))
    with open(path, "w", newline="\r\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    nginx("nginx-access.log")
    # log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
    #                   "$http_referer" "$http_user_agent" $request_time $upstream_response_time';
    nginx("nginx-timed.log", timing=[])
    apache("apache-vhost.log")
    iis("iis-u_ex240304.log")
    with open("nginx-access.log", "rb") as src:
        data = src.read()
    half = data.index(b"\n", len(data) // 2) + 1
    with open("nginx-access.log", "wb") as f:
        f.write(data[:half])
    with gzip.GzipFile("nginx-access.log.1.gz", "wb", mtime=0) as f:
        f.write(data[half:])
