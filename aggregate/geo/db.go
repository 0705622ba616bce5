package geo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Sentinel errors wrapped by an [OpenError].
var (
	// ErrFormat: the file is not a MaxMind DB (.mmdb) file.
	ErrFormat = errors.New("not a MaxMind DB (.mmdb) file")
	// ErrNoData: the database has neither country nor ASN data (an
	// anonymous-IP or connection-type database, say).
	ErrNoData = errors.New("no country or ASN data in this database")
)

// OpenError is the error [Open] returns: Path is the file as the user gave
// it; Err wraps fs.ErrNotExist, fs.ErrPermission, [ErrFormat], [ErrNoData]
// or another I/O error.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string { return "geoip database " + e.Path + ": " + e.Err.Error() }
func (e *OpenError) Unwrap() error { return e.Err }

// layout is how a database names its fields.
type layout uint8

const (
	// layoutMaxMind: GeoLite2/GeoIP2 Country and City, GeoLite2 ASN, DB-IP
	// Lite: country.iso_code, country.names.en, autonomous_system_number,
	// autonomous_system_organization.
	layoutMaxMind layout = iota
	// layoutIPinfo: IPinfo Lite: country_code, country (the name), asn
	// ("AS15169"), as_name; its older free database: country (the code),
	// country_name.
	layoutIPinfo
)

// DB is one open MaxMind-format database. It is safe for concurrent use;
// lookups go through a per-worker [Locator].
type DB struct {
	path       string
	r          *maxminddb.Reader
	layout     layout
	hasCountry bool
	hasASN     bool
}

// Open opens a MaxMind-format database and checks that it holds country or
// ASN data. It reads the file with a memory map: do not rewrite it in
// place while it is open.
func Open(path string) (*DB, error) {
	// Stat first: the reader's own messages do not say missing from bad.
	if _, err := os.Stat(path); err != nil {
		return nil, &OpenError{path, unwrapPath(err)}
	}
	r, err := maxminddb.Open(path)
	if err != nil {
		var perr *fs.PathError
		if errors.As(err, &perr) {
			return nil, &OpenError{path, unwrapPath(err)}
		}
		return nil, &OpenError{path, fmt.Errorf("%w (%v)", ErrFormat, err)}
	}
	db := &DB{path: path, r: r}
	if err := db.probe(); err != nil {
		r.Close()
		return nil, &OpenError{path, err}
	}
	return db, nil
}

// unwrapPath drops the *fs.PathError around err: OpenError names the path.
func unwrapPath(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// probe decodes the first records to learn the layout and what the
// database holds.
func (db *DB) probe() error {
	t := strings.ToLower(db.r.Metadata.DatabaseType)
	seen := 0
	for res := range db.r.Networks() {
		if res.Err() != nil {
			return fmt.Errorf("%w (%v)", ErrFormat, res.Err())
		}
		var m map[string]any
		if err := res.Decode(&m); err != nil {
			return fmt.Errorf("%w (%v)", ErrFormat, err)
		}
		switch c := m["country"].(type) {
		case map[string]any:
			db.hasCountry = true
		case string:
			db.layout, db.hasCountry = layoutIPinfo, c != ""
		}
		if _, ok := m["registered_country"]; ok {
			db.hasCountry = true
		}
		if _, ok := m["country_code"]; ok {
			db.layout, db.hasCountry = layoutIPinfo, true
		}
		if _, ok := m["autonomous_system_number"]; ok {
			db.hasASN = true
		}
		if _, ok := m["asn"]; ok {
			db.layout, db.hasASN = layoutIPinfo, true
		}
		if seen++; seen == 8 || db.hasCountry && db.hasASN {
			break
		}
	}
	if strings.Contains(t, "ipinfo") {
		db.layout = layoutIPinfo
	}
	if !db.hasCountry && !db.hasASN {
		return ErrNoData
	}
	return nil
}

// Close releases the database.
func (db *DB) Close() error { return db.r.Close() }

// Path is the file name given to [Open].
func (db *DB) Path() string { return db.path }

// Type is the database type its metadata names ("GeoLite2-Country",
// "DBIP-ASN-Lite"...).
func (db *DB) Type() string { return db.r.Metadata.DatabaseType }

// Description is the database's English description, which states where
// its data comes from.
func (db *DB) Description() string { return db.r.Metadata.Description["en"] }

// BuildTime is when the database was built.
func (db *DB) BuildTime() time.Time { return db.r.Metadata.BuildTime() }

// HasCountry and HasASN say what the database holds.
func (db *DB) HasCountry() bool { return db.hasCountry }
func (db *DB) HasASN() bool     { return db.hasASN }

// Set is the databases a run looks addresses up in, in the order given: a
// country comes from the first database that has one for an address, an
// ASN likewise.
type Set struct{ dbs []*DB }

// OpenAll opens each path; on an error it closes the ones it opened.
func OpenAll(paths ...string) (*Set, error) {
	s := &Set{}
	for _, p := range paths {
		db, err := Open(p)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.dbs = append(s.dbs, db)
	}
	return s, nil
}

// NewSet makes a Set of databases already open.
func NewSet(dbs ...*DB) *Set { return &Set{dbs: dbs} }

// DBs returns the databases in lookup order.
func (s *Set) DBs() []*DB { return s.dbs }

// HasCountry reports whether any database gives countries.
func (s *Set) HasCountry() bool {
	for _, db := range s.dbs {
		if db.hasCountry {
			return true
		}
	}
	return false
}

// HasASN reports whether any database gives ASNs.
func (s *Set) HasASN() bool {
	for _, db := range s.dbs {
		if db.hasASN {
			return true
		}
	}
	return false
}

// Close closes every database.
func (s *Set) Close() error {
	var errs []error
	for _, db := range s.dbs {
		errs = append(errs, db.Close())
	}
	s.dbs = nil
	return errors.Join(errs...)
}
