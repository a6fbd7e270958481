// Package workdirtest plants canary credentials in a directory tree, one in each kind of
// file the workdir scanner reads, for tests that check what is found and that no value
// ever appears in any output. Every value here is fake; none was ever issued.
package workdirtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Canary values. Railway tokens are UUIDs; AWS key IDs are AKIA + 16 of [A-Z2-7].
const (
	RailwayAPI     = "c0ffee00-1111-4a1a-8b1b-0000000ca4a1" // .env.staging RAILWAY_API_TOKEN
	RailwayProject = "c0ffee00-2222-4a2a-8b2b-0000000ca4a2" // .github/workflows/deploy.yml RAILWAY_TOKEN
	RailwayTFVar   = "c0ffee00-3333-4a3a-8b3b-0000000ca4a3" // prod.tfvars railway_token
	RailwayCompose = "c0ffee00-4444-4a4a-8b4b-0000000ca4a4" // docker-compose.yml RAILWAY_TOKEN
	RailwayMCP     = "c0ffee00-5555-4a5a-8b5b-0000000ca4a5" // .cursor/mcp.json RAILWAY_API_TOKEN
	RailwayCodex   = "c0ffee00-6666-4a6a-8b6b-0000000ca4a6" // .codex/config.toml RAILWAY_TOKEN
	RailwayLogin   = "rw_Fe26.2**c4a7c4a7c4a7c4a7d3adb33fd3adb33fd3adb33f*CanaryLoginValue7*x"
	AWSKeyID       = "AKIACANARY2345ABCDEF" // .aws/credentials [ci]
	AWSSecret      = "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"
	AWSEnvKeyID    = "AKIACANARY2345GHIJKL" // .env.production
	AWSEnvSecret   = "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"
	AWSStateKeyID  = "AKIACANARY2345MNOPQR" // terraform.tfstate aws_iam_access_key
	AWSStateSecret = "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"
	AWSTFKeyID     = "AKIACANARY2345STUVWX" // main.tf provider block
	AWSTFSecret    = "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"
	GitHubPAT      = "ghp_CanaryT0kenF0rBulkheadT3sts0nly1a2b3" // .mcp.json env
	GitHubURLPAT   = "ghp_CanaryT0kenInGitC0nfigF0rT3sts0nly9z"
	NPMToken       = "npm_CanaryT0kenF0rBulkheadT3sts0nly1a2b3c"
	StripeKey      = "sk_live_CanaryStr1peK3yF0rT3sts0nly1a2b3c4d"
)

// Values lists every secret canary, for leak checks. AWS access key IDs are left out:
// they are identifiers, not secrets, and are the canonical IDs of access keys.
var Values = []string{
	RailwayAPI, RailwayProject, RailwayTFVar, RailwayCompose, RailwayMCP, RailwayCodex, RailwayLogin,
	AWSSecret, AWSEnvSecret, AWSStateSecret, AWSTFSecret,
	GitHubPAT, GitHubURLPAT, NPMToken, StripeKey,
}

// Files is the planted tree: path → content.
var Files = map[string]string{
	".env.staging":      "# staging checkout\nRAILWAY_PROJECT_NAME=shop\nRAILWAY_ENVIRONMENT=staging\nRAILWAY_API_TOKEN=\"" + RailwayAPI + "\"\nDATABASE_URL=${{Postgres.DATABASE_URL}}\nSTRIPE_SECRET_KEY=" + StripeKey + "\n",
	".env.production":   "export AWS_ACCESS_KEY_ID=" + AWSEnvKeyID + "\nexport AWS_SECRET_ACCESS_KEY='" + AWSEnvSecret + "'\nAWS_REGION=eu-west-1\n",
	".gitignore":        ".env*\n!.env.example\n/.aws/\n",
	".aws/credentials":  "[default]\naws_access_key_id = ${AWS_KEY}\n\n[ci]\naws_access_key_id = " + AWSKeyID + "\naws_secret_access_key = " + AWSSecret + "\n",
	".aws/config":       "[profile ci]\nregion = us-east-1\n",
	"infra/prod.tfvars": "region        = \"us-east-1\"\nrailway_token = \"" + RailwayTFVar + "\"\n",
	"infra/terraform.tfstate": `{
  "version": 4,
  "resources": [
    {
      "mode": "managed",
      "type": "aws_iam_access_key",
      "name": "deploy",
      "instances": [
        {
          "attributes": {
            "id": "` + AWSStateKeyID + `",
            "secret": "` + AWSStateSecret + `",
            "user": "deploy"
          }
        }
      ]
    }
  ]
}
`,
	"infra/main.tf":                "provider \"aws\" {\n  region     = \"us-east-1\"\n  access_key = \"" + AWSTFKeyID + "\"\n  secret_key = \"" + AWSTFSecret + "\"\n}\n",
	"docker-compose.yml":           "services:\n  web:\n    image: shop\n    environment:\n      - RAILWAY_TOKEN=" + RailwayCompose + "\n      - POSTGRES_PASSWORD=postgres\n",
	".github/workflows/deploy.yml": "name: deploy\njobs:\n  deploy:\n    steps:\n      - run: railway up\n        env:\n          RAILWAY_TOKEN: " + RailwayProject + "\n          OTHER_TOKEN: ${{ secrets.OTHER_TOKEN }}\n",
	".railway/config.json":         `{"projects":{"/src/shop":{"projectPath":"/src/shop","name":"shop","project":"prj-shop","environment":"env-shop-stg","environmentName":"staging"}},"user":{"token":"` + RailwayLogin + `"}}`,
	".mcp.json":                    "{\n  \"mcpServers\": {\n    \"github\": {\n      \"command\": \"npx\",\n      \"env\": { \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"" + GitHubPAT + "\" }\n    }\n  }\n}\n",
	".cursor/mcp.json":             "{\"mcpServers\":{\"railway\":{\"command\":\"railway-mcp\",\"env\":{\"RAILWAY_API_TOKEN\":\"" + RailwayMCP + "\"}}}}\n",
	".codex/config.toml":           "[mcp_servers.railway]\ncommand = \"railway-mcp\"\n\n[mcp_servers.railway.env]\nRAILWAY_TOKEN = \"" + RailwayCodex + "\"\n",
	".npmrc":                       "//registry.npmjs.org/:_authToken=" + NPMToken + "\n",
	".git/config":                  "[remote \"origin\"]\n\turl = https://bot:" + GitHubURLPAT + "@github.com/acme/shop.git\n",
	".git/objects/ab/cdef":         "RAILWAY_API_TOKEN=" + RailwayAPI + "\n", // never read
	"node_modules/pkg/.env":        "RAILWAY_API_TOKEN=" + RailwayAPI + "\n", // never read
	"src/main.go":                  "package main\n\nconst token = \"" + GitHubPAT + "\" // source code: not read\n",
}

// Plant writes Files under dir.
func Plant(t testing.TB, dir string) {
	t.Helper()
	for rel, content := range Files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
