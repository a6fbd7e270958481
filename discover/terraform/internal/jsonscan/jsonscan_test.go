package jsonscan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// checkValue: on valid JSON, Value gives what encoding/json gives into `any`, or fails
// where it fails.
func checkValue(t *testing.T, data []byte) {
	t.Helper()
	if !json.Valid(data) {
		return // Value is for bytes already checked
	}
	var want any
	werr := json.Unmarshal(data, &want)
	got, err := Value(data, NewInterner())
	switch {
	case werr != nil && err == nil:
		t.Fatalf("%.200q: Value = %v, encoding/json fails: %v", data, got, werr)
	case werr == nil && err != nil:
		t.Fatalf("%.200q: Value fails (%v), encoding/json gives %v", data, err, want)
	case werr == nil && !reflect.DeepEqual(got, want):
		t.Fatalf("%.200q: Value = %#v, encoding/json gives %#v", data, got, want)
	}
}

func TestValue(t *testing.T) {
	for _, s := range []string{
		`"a"`, `""`, `"\u00e9\n"`, "\"caf\xe9\"", `true`, `false`, `null`, ` 1 `, `-0`, `1.5e3`, `1e400`, `-1e-400`,
		`{}`, `[]`, `{"a":1,"a":2}`, `{"tags":{"env":"prod"},"list":[{"x":[]},null,true,"s"]}`,
		`{"k\u0065y":"v"}`, "{\"k\xff\":1}", `[1,[2,[3,[4]]]]`, strings.Repeat("[", 500) + strings.Repeat("]", 500),
		`{"a":` + strings.Repeat("9", 400) + `}`,
	} {
		checkValue(t, []byte(s))
	}
	for _, bad := range []string{``, `tru`, `nul`, `{"a"}`, `[1,]`, `{"a":1,}`, `1x`, `+1`, `0x10`, `[1 2]`, `"a" "b"`} {
		if v, err := Value([]byte(bad), NewInterner()); err == nil {
			t.Errorf("Value(%q) = %v, want an error", bad, v)
		}
	}
}

func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",{"c":null}],"d":-1.5e-3}`, `"\u0041\ud800"`, `[true,false]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkValue(t, data) })
}
