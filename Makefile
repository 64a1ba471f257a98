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

# The Swift runtime linked in: the binary runs without a Swift toolchain and starts faster.
release:
	swift build -c release --static-swift-stdlib

# Benchmark: corpus vs the libyaml parse floor, a generated 100k-principal org, peers if installed.
bench:
	scripts/bench
