package geo

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/webalyze/webalyze/aggregate/dim/gobcheck"
	"github.com/webalyze/webalyze/aggregate/sketch"
)

// sectionData is the encoded section: gob of its exported fields.
type sectionData struct {
	DBs                           []DBInfo
	HasCountry, HasASN            bool
	DistinctCapacity              int
	Countries                     []countryData // by code
	Local, NotIP, NotFound, NoASN Row
	ASNs, ASN4xx, ASN5xx          *sketch.TopK
	Orgs                          []orgData // of the listed networks, by ASN
}

type countryData struct {
	Code, Name string
	Row        Row
}

type orgData struct {
	ASN uint32
	Org string
}

// MarshalBinary encodes the section: the databases' descriptions, the
// settings, the rows and the network lists (gob).
func (a *Aggregator) MarshalBinary() ([]byte, error) {
	a.flush()
	d := sectionData{DBs: a.dbs, HasCountry: a.hasCountry, HasASN: a.hasAS,
		DistinctCapacity: a.opts.DistinctCapacity,
		Local:            a.local, NotIP: a.notIP, NotFound: a.notFound, NoASN: a.noASN,
		ASNs: a.asns, ASN4xx: a.asn4xx, ASN5xx: a.asn5xx}
	for i, r := range a.countries {
		if r != nil {
			d.Countries = append(d.Countries, countryData{Code: indexCode(i), Name: a.names[i].String(), Row: *r})
		}
	}
	for _, e := range a.asns.Entries {
		if n, err := strconv.ParseUint(e.Key, 10, 32); err == nil {
			if org, ok := a.orgs[uint32(n)]; ok {
				d.Orgs = append(d.Orgs, orgData{uint32(n), org.String()})
			}
		}
	}
	slices.SortFunc(d.Orgs, func(x, y orgData) int { return cmp.Compare(x.ASN, y.ASN) })
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&d); err != nil {
		return nil, fmt.Errorf("geo section: %w", err)
	}
	return b.Bytes(), nil
}

// UnmarshalBinary restores a section into an empty aggregator and
// validates it; a corrupt section is an error.
func (a *Aggregator) UnmarshalBinary(b []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt geo section: %v", p)
		}
	}()
	var d sectionData
	if err := gob.NewDecoder(gobcheck.NewReader(bytes.NewReader(b))).Decode(&d); err != nil {
		return fmt.Errorf("corrupt geo section: %w", err)
	}
	if err := d.validate(); err != nil {
		return fmt.Errorf("corrupt geo section: %w", err)
	}
	n := newEmpty(Options{DistinctCapacity: d.DistinctCapacity, ASNCapacity: d.ASNs.Capacity})
	n.dbs, n.hasCountry, n.hasAS = d.DBs, d.HasCountry, d.HasASN
	for _, c := range d.Countries {
		i, _ := codeIndex(c.Code)
		r := c.Row
		n.countries[i] = &r
		n.names[i] = makeName(c.Name)
	}
	n.local, n.notIP, n.notFound, n.noASN = d.Local, d.NotIP, d.NotFound, d.NoASN
	n.asns, n.asn4xx, n.asn5xx = d.ASNs, d.ASN4xx, d.ASN5xx
	for _, o := range d.Orgs {
		n.orgs[o.ASN] = makeName(o.Org)
	}
	*a = *n
	return nil
}

func (d *sectionData) validate() error {
	if d.DistinctCapacity < 0 || d.DistinctCapacity > 1<<30 {
		return fmt.Errorf("distinct capacity %d", d.DistinctCapacity)
	}
	if len(d.DBs) > MaxDatabases {
		return fmt.Errorf("%d databases", len(d.DBs))
	}
	for _, db := range d.DBs {
		if len(db.Type) > 1024 || len(db.Description) > 64<<10 {
			return errors.New("database description too long")
		}
	}
	if !slices.IsSortedFunc(d.DBs, compareDB) {
		return errors.New("databases out of order")
	}
	if !d.HasCountry && !d.HasASN {
		return errors.New("neither countries nor networks")
	}
	seen := map[string]bool{}
	for _, c := range d.Countries {
		if _, ok := codeIndex(c.Code); !ok || seen[c.Code] {
			return fmt.Errorf("country code %q", c.Code)
		}
		seen[c.Code] = true
		if len(c.Name) > maxText || !utf8.ValidString(c.Name) {
			return fmt.Errorf("country name of %s", c.Code)
		}
	}
	for _, t := range []*sketch.TopK{d.ASNs, d.ASN4xx, d.ASN5xx} {
		if t == nil {
			return errors.New("missing network list")
		}
		if err := t.Check(); err != nil {
			return err
		}
		for _, e := range t.Entries {
			if n, err := strconv.ParseUint(e.Key, 10, 32); err != nil || n == 0 || strconv.FormatUint(n, 10) != e.Key {
				return fmt.Errorf("network %q", e.Key)
			}
		}
	}
	if len(d.Orgs) > d.ASNs.Capacity {
		return fmt.Errorf("%d organisation names for a list of %d", len(d.Orgs), d.ASNs.Capacity)
	}
	for _, o := range d.Orgs {
		if len(o.Org) > maxText || !utf8.ValidString(o.Org) {
			return fmt.Errorf("organisation of AS%d", o.ASN)
		}
	}
	rows := []*Row{&d.Local, &d.NotIP, &d.NotFound, &d.NoASN}
	for i := range d.Countries {
		rows = append(rows, &d.Countries[i].Row)
	}
	for _, r := range rows {
		if err := r.check("row"); err != nil {
			return err
		}
	}
	// The sums are checked against the parsed requests by
	// Aggregator.Check, which the State calls.
	return nil
}
