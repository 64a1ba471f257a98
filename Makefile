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
