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
# Cross-module optimisation lets the rules inline the model's accessors (about 5% fewer
# instructions on a large organisation); it is kept out of Package.swift so that packages
# depending on IAMLintKit can still build it.
release:
	swift build -c release --static-swift-stdlib -Xswiftc -cross-module-optimization

# Benchmark: corpus vs the libyaml parse floor, a generated 100k-principal org, peers if installed.
bench:
	scripts/bench
