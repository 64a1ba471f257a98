.PHONY: build test generate example release

build:
	swift build

test:
	swift test

# Regenerates the rule catalog and docs/rules from rules/*/rule.yml.
generate:
	swift run iamlint-generate

example:
	swift run iamlint check docs/examples/multi-account

release:
	swift build -c release

# Benchmark: corpus vs the libyaml parse floor, a generated 100k-principal org, peers if installed.
bench:
	scripts/bench
