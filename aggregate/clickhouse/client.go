package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// PasswordEnv is the environment variable that gives the password when
// the URL has none.
const PasswordEnv = "WEBALYZE_CLICKHOUSE_PASSWORD"

// Client talks to one ClickHouse server over its HTTP interface. It is
// safe for concurrent use.
type Client struct {
	base     *url.URL // without credentials; its query keeps database and settings
	shown    string   // the URL as errors show it, password redacted
	user     string
	password string
	http     *http.Client
}

// Open checks and splits a ClickHouse HTTP URL such as
// "http://user@127.0.0.1:8123/?database=web". The user and password come
// from the URL's user info or its user= and password= parameters; when
// no password is given there, from $WEBALYZE_CLICKHOUSE_PASSWORD. They
// are sent as HTTP basic authentication, never in the request URL, and
// errors show the URL with the password replaced by "xxxxx". Open does
// not connect: [Client.Ping] does.
func Open(rawURL string) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error quotes the whole URL, password included.
		return nil, fmt.Errorf("clickhouse: invalid URL %q", redactRaw(rawURL))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		// Not printed: without a scheme, "user:password@host" parses
		// as scheme "user" and opaque "password@host".
		return nil, errors.New("clickhouse: the URL must start with http:// or https://")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("clickhouse: URL %s has no host", redactURL(u))
	}
	c := &Client{http: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	q := u.Query()
	if u.User != nil {
		c.user = u.User.Username()
		c.password, _ = u.User.Password()
	}
	if v := q.Get("user"); v != "" && c.user == "" {
		c.user = v
	}
	if v := q.Get("password"); v != "" && c.password == "" {
		c.password = v
	}
	q.Del("user")
	q.Del("password")
	if c.password == "" {
		c.password = os.Getenv(PasswordEnv)
	}
	if c.password != "" && c.user == "" {
		c.user = "default"
	}
	base := *u
	base.User = nil
	base.RawQuery = q.Encode()
	base.Fragment = ""
	if base.Path == "" {
		base.Path = "/"
	}
	c.base = &base
	shown := base
	if c.user != "" {
		if c.password != "" {
			shown.User = url.UserPassword(c.user, "xxxxx")
		} else {
			shown.User = url.User(c.user)
		}
	}
	c.shown = shown.String()
	return c, nil
}

// Close closes the client's idle connections. A server waits for open
// connections when it shuts down.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// String returns the URL with the password redacted.
func (c *Client) String() string { return c.shown }

func redactURL(u *url.URL) string {
	v := *u
	q := v.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		v.RawQuery = q.Encode()
	}
	return v.Redacted()
}

// redactRaw hides everything between "//" and "@", and the query, of a
// URL that does not parse.
func redactRaw(s string) string {
	if i := strings.Index(s, "//"); i >= 0 {
		if j := strings.LastIndexByte(s[i:], '@'); j >= 0 {
			s = s[:i+2] + "xxxxx" + s[i+j:]
		}
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i+1] + "xxxxx"
	}
	return s
}

// Error is a failed request: the server answered with an error, or could
// not be reached. It never holds the password.
type Error struct {
	URL    string // redacted
	Op     string // what was being done: "ping", "insert into web.requests", ...
	Status int    // HTTP status, 0 when the server was not reached
	Msg    string // the server's message, or the transport error
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("clickhouse %s: %s: %s", e.URL, e.Op, e.Msg)
	}
	return fmt.Sprintf("clickhouse %s: %s: HTTP %d: %s", e.URL, e.Op, e.Status, e.Msg)
}

// scrub removes the password from a message, whatever put it there.
func (c *Client) scrub(s string) string {
	if c.password != "" {
		s = strings.ReplaceAll(s, c.password, "xxxxx")
		s = strings.ReplaceAll(s, url.QueryEscape(c.password), "xxxxx")
		s = strings.ReplaceAll(s, url.PathEscape(c.password), "xxxxx")
	}
	return strings.TrimSpace(s)
}

func (c *Client) fail(op string, status int, msg string) error {
	if len(msg) > 2000 {
		msg = msg[:2000] + "…"
	}
	return &Error{URL: c.shown, Op: op, Status: status, Msg: c.scrub(msg)}
}

// request sends query (in the URL when body is not nil, else as the
// body) with extra URL parameters, and returns the response when the
// server answered 200.
func (c *Client) request(ctx context.Context, op, query string, body io.Reader, params url.Values) (*http.Response, error) {
	u := *c.base
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if body != nil {
		q.Set("query", query)
	} else {
		body = strings.NewReader(query)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), body)
	if err != nil {
		return nil, c.fail(op, 0, err.Error())
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL is ours: shown once, redacted
		}
		return nil, c.fail(op, 0, err.Error())
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, c.fail(op, resp.StatusCode, string(msg))
	}
	return resp, nil
}

// Ping checks that the server answers (its /ping handler).
func (c *Client) Ping(ctx context.Context) error {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/ping"
	u.RawQuery = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return c.fail("ping", 0, err.Error())
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return c.fail("ping", 0, err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return c.fail("ping", resp.StatusCode, string(b))
	}
	return nil
}

// Exec runs a statement that returns nothing (DDL, ALTER, KILL).
func (c *Client) Exec(ctx context.Context, op, query string) error {
	return c.run(ctx, op, query, nil, nil)
}

// Insert runs an INSERT whose data is body, with extra settings as URL
// parameters. The query must end with its FORMAT clause.
func (c *Client) Insert(ctx context.Context, op, query string, body io.Reader, params url.Values) error {
	return c.run(ctx, op, query, body, params)
}

// run sends a request whose answer is read to its end and dropped.
func (c *Client) run(ctx context.Context, op, query string, body io.Reader, params url.Values) error {
	resp, err := c.request(ctx, op, query, body, params)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return c.fail(op, 0, err.Error())
	}
	return nil
}

// Query runs a SELECT that ends in "FORMAT TabSeparated" and calls row
// for every row of the answer, its fields unescaped. The fields are
// valid until row returns.
func (c *Client) Query(ctx context.Context, op, query string, row func(fields [][]byte) error) error {
	return c.query(ctx, op, query, nil, row)
}

// query is Query with extra URL parameters (settings).
func (c *Client) query(ctx context.Context, op, query string, params url.Values, row func(fields [][]byte) error) error {
	resp, err := c.request(ctx, op, query, nil, params)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	var fields [][]byte
	var buf []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			buf = append(buf[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if len(line) > 0 && line[len(line)-1] == '\n' {
			fields = splitTSV(line[:len(line)-1], fields[:0])
			if rerr := row(fields); rerr != nil {
				return rerr
			}
		} else if len(line) > 0 {
			// ClickHouse ends every row with a newline: a part without one
			// is an answer cut short, or an error written mid-stream.
			return c.fail(op, 0, "answer cut short: "+string(line))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return c.fail(op, 0, err.Error())
		}
	}
}

// splitTSV splits one TabSeparated row and unescapes each field in place.
func splitTSV(line []byte, out [][]byte) [][]byte {
	for {
		i := bytes.IndexByte(line, '\t')
		f := line
		if i >= 0 {
			f = line[:i]
		}
		out = append(out, unescapeTSV(f))
		if i < 0 {
			return out
		}
		line = line[i+1:]
	}
}

// unescapeTSV undoes ClickHouse's TabSeparated escaping (\b \f \r \n \t
// \0 \\ \' and any other escaped byte as itself), in place.
func unescapeTSV(f []byte) []byte {
	if bytes.IndexByte(f, '\\') < 0 {
		return f
	}
	w := 0
	for r := 0; r < len(f); r++ {
		c := f[r]
		if c == '\\' && r+1 < len(f) {
			r++
			switch c = f[r]; c {
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'r':
				c = '\r'
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case '0':
				c = 0
			}
		}
		f[w] = c
		w++
	}
	return f[:w]
}
