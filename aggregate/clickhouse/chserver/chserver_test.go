package chserver

import (
	"net/http"
	"testing"
)

func TestStartStop(t *testing.T) {
	s := Start(t, Options{})
	resp, err := http.Get(s.URL + "ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.Stop()
	if _, err := http.Get(s.URL + "ping"); err == nil {
		t.Error("the server still answers after Stop")
	}
}
