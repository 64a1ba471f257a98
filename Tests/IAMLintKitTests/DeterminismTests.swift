import Foundation
import IAMLintCore
@testable import IAMLintKit
@testable import IAMLintModel
import XCTest

/// Same input, byte-identical output: whatever the thread count and whatever order the files are
/// given in. Also checks that the graph's indexes (assume edges, managed policies by ARN) give
/// exactly what a scan of every role and policy gives.
final class DeterminismTests: XCTestCase {
    /// Every experimental rule on as well, so that every rule's output order is covered.
    private var everyRule: Configuration {
        var configuration = Configuration()
        configuration.enabled = Set(configuration.ruleSet.metadata.map(\.code))
        return configuration
    }

    private func report(_ paths: [String], base: String, threads: Int, configuration: Configuration? = nil) -> String {
        var configuration = configuration ?? everyRule
        configuration.threads = threads
        let result = Linter(configuration: configuration).lint(paths, displayBase: base, root: base)
        return JSONReporter(includeSuppressed: true).render(result)
    }

    /// A generated organisation with cross-account trust and assume edges, wildcard resource
    /// patterns, managed policies by ARN and by name, groups, and a duplicate name.
    private func organisation() throws -> (root: String, configuration: Configuration) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-determinism-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        var accounts = "accounts:\n"
        for a in 0..<6 {
            let id = String(format: "%012d", 100_000_000_000 + a * 7919)
            let next = String(format: "%012d", 100_000_000_000 + ((a + 1) % 6) * 7919)
            accounts += "  a\(a):\n    id: \"\(id)\"\n    paths: [\"acct\(a)/**\"]\n" + (a == 0 ? "    identity: true\n" : "")
            var template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            template += """
                  Deploy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      ManagedPolicyName: deploy
                      PolicyDocument:
                        Statement:
                          - {Effect: Allow, Action: "*", Resource: "*"}

                """
            for r in 0..<8 {
                let trusted = r % 3 == 0 ? "arn:aws:iam::\(next):root" : "arn:aws:iam::\(next):role/Hop-\(r)"
                let condition = r % 2 == 0 ? "\n            Condition: {Bool: {aws:MultiFactorAuthPresent: 'true'}}" : ""
                let targets = [
                    "arn:aws:iam::\(next):role/Hop-\((r + 1) % 8)",
                    "arn:aws:iam::*:role/Admin-\(r % 2)",
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/Hop-*",
                    "arn:aws:iam::\(next):role/*",
                    "*",
                ]
                template += """
                      Role\(r):
                        Type: AWS::IAM::Role
                        Properties:
                          RoleName: \(r % 4 == 0 ? "Admin-\(r / 4)" : "Hop-\(r)")
                          AssumeRolePolicyDocument:
                            Statement:
                              - Effect: Allow
                                Principal: {AWS: "\(trusted)"}
                                Action: sts:AssumeRole\(condition)
                          ManagedPolicyArns:
                            - \(r % 2 == 0 ? "!Ref Deploy" : "arn:aws:iam::\(id):policy/deploy")
                            - arn:aws:iam::aws:policy/ReadOnlyAccess
                          Policies:
                            - PolicyName: hop
                              PolicyDocument:
                                Statement:
                                  - {Effect: Allow, Action: "sts:AssumeRole", Resource: "\(targets[r % targets.count])"}
                                  - {Effect: Allow, NotAction: "s3:*", NotResource: "arn:aws:iam::\(next):role/Hop-1"}

                    """
            }
            for u in 0..<4 {
                template += """
                      User\(u):
                        Type: AWS::IAM::User
                        Properties:
                          UserName: \(u == 3 ? "person-0" : "person-\(u)")
                          Groups: [team]
                          ManagedPolicyArns: [arn:aws:iam::\(id):policy/deploy]

                    """
            }
            template += """
                  Team:
                    Type: AWS::IAM::Group
                    Properties:
                      GroupName: team
                      Policies:
                        - PolicyName: assume
                          PolicyDocument:
                            Statement:
                              - {Effect: Allow, Action: "sts:*", Resource: "arn:aws:iam::*:role/Hop-?"}
                  Join:
                    Type: AWS::IAM::UserToGroupAddition
                    Properties:
                      GroupName: !Ref Team
                      Users: [person-1, person-2, person-1]

                """
            try FileManager.default.createDirectory(atPath: "\(root)/acct\(a)", withIntermediateDirectories: true)
            try template.write(toFile: "\(root)/acct\(a)/iam.yaml", atomically: true, encoding: .utf8)
            try "{\"Resources\": {\"Extra\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"RoleName\": \"Hop-1\", \"AssumeRolePolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\"}]}}}}}"
                .write(toFile: "\(root)/acct\(a)/extra.json", atomically: true, encoding: .utf8)
        }
        try accounts.write(toFile: "\(root)/.iamlint.yml", atomically: true, encoding: .utf8)
        let configuration = try ConfigurationFile.load(path: "\(root)/.iamlint.yml", into: everyRule)
        return (root, configuration)
    }

    /// Every file under `root` that discovery would read, as absolute paths.
    private func files(under root: String) -> [String] {
        let (files, _) = FileDiscovery(displayBase: root).discover([root])
        return files.map(\.absolutePath)
    }

    func testOneThreadAndEightThreadsGiveIdenticalReports() throws {
        let org = try organisation()
        XCTAssertEqual(report([org.root], base: org.root, threads: 1, configuration: org.configuration),
                       report([org.root], base: org.root, threads: 8, configuration: org.configuration))
        let rules = TestPaths.rules
        let single = report([rules], base: rules, threads: 1)
        XCTAssertTrue(single.contains("\"findings\""))
        XCTAssertEqual(single, report([rules], base: rules, threads: 8))
    }

    func testFileOrderDoesNotChangeTheReport() throws {
        let org = try organisation()
        let paths = files(under: org.root)
        XCTAssertGreaterThan(paths.count, 10)
        let sorted = report(paths, base: org.root, threads: 1, configuration: org.configuration)
        XCTAssertEqual(sorted, report(paths.reversed(), base: org.root, threads: 1, configuration: org.configuration))
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<3 {
            XCTAssertEqual(sorted, report(paths.shuffled(using: &generator), base: org.root, threads: 4, configuration: org.configuration))
        }
        let rules = files(under: TestPaths.rules)
        let rulesSorted = report(rules, base: TestPaths.rules, threads: 1)
        XCTAssertEqual(rulesSorted, report(rules.reversed(), base: TestPaths.rules, threads: 8))
        XCTAssertEqual(rulesSorted, report(rules.shuffled(using: &generator), base: TestPaths.rules, threads: 2))
    }

    /// A sample of the shared corpus (when it is there): one thread against eight, and reversed.
    func testCorpusSampleIsDeterministic() throws {
        guard FileManager.default.fileExists(atPath: TestPaths.corpus) else {
            throw XCTSkip("the shared corpus is not beside the project")
        }
        let all = files(under: TestPaths.corpus)
        let sample = stride(from: 0, to: all.count, by: max(1, all.count / 400)).map { all[$0] }
        let base = TestPaths.corpus
        let one = report(sample, base: base, threads: 1)
        XCTAssertEqual(one, report(sample.reversed(), base: base, threads: 8))
    }

    /// The indexed `link()` finds exactly the assume edges and managed-policy grants that
    /// comparing every statement with every role (and every ARN with every policy) finds.
    func testGraphIndexesMatchExhaustiveSearch() throws {
        let org = try organisation()
        var graphs = [Linter(configuration: org.configuration).lint([org.root], displayBase: org.root).graph]
        graphs.append(Linter(configuration: everyRule).lint([TestPaths.rules], displayBase: TestPaths.rules).graph)
        graphs.append(Linter(configuration: everyRule).lint([TestPaths.examples], displayBase: TestPaths.examples).graph)
        for graph in graphs {
            var expected: [String] = []
            let roles = graph.principals.indices.filter { graph.principals[$0].kind == .role }
            for (index, p) in graph.principals.enumerated() where p.kind != .group {
                for grant in graph.grants[index] {
                    for statement in grant.document?.statements ?? [] where statement.effect == .allow && statement.covers(action: "sts:AssumeRole") {
                        // The same admission as `IAMGraph.link()`, without its index: keep the two in step.
                        for role in roles where role != index
                            && (graph.principals[role].explicitName != nil || graph.principals[role].provenance.file == statement.provenance.file)
                            && statement.mayCover(roleArn: graph.arn(of: role)) {
                            expected.append("\(index)->\(role) \(statement.provenance.file) \(statement.provenance.logicalPath)")
                        }
                    }
                }
            }
            let actual = graph.assumeEdges.map { "\($0.from)->\($0.role) \($0.statement.provenance.file) \($0.statement.provenance.logicalPath)" }
            XCTAssertEqual(actual.count, expected.count)
            if let first = actual.indices.first(where: { $0 >= expected.count || actual[$0] != expected[$0] }) ?? (actual.count < expected.count ? actual.count : nil) {
                XCTFail("assume edges differ at \(first): \(actual.dropFirst(first).prefix(3)) vs \(expected.dropFirst(first).prefix(3))")
            }

            for (index, p) in graph.principals.enumerated() {
                for (i, arn) in p.managedPolicyArns.enumerated() {
                    let grant = graph.grants[index][p.inlinePolicies.count + i]
                    let found: Int?
                    if case .standalone(let local) = grant.source { found = local } else { found = nil }
                    XCTAssertEqual(found, exhaustiveManagedPolicy(graph, arn, from: p.provenance.file), "\(p.logicalName) \(arn.value)")
                }
            }
        }
        XCTAssertFalse(graphs[0].assumeEdges.isEmpty)
    }

    /// The JSON report writes long lists of findings in blocks side by side: the same bytes, in
    /// pieces or whole.
    func testJSONReportWrittenOnSeveralThreadsIsTheSame() throws {
        var configuration = everyRule
        configuration.threads = 1
        let result = Linter(configuration: configuration).lint([TestPaths.rules], displayBase: TestPaths.rules, root: TestPaths.rules)
        XCTAssertGreaterThan(result.findings.count, 2 * ReportBlocks.size)
        let one = JSONReporter(includeSuppressed: true).render(result)
        for threads in [2, 3, 8] {
            XCTAssertEqual(JSONReporter(includeSuppressed: true, threads: threads).render(result), one, "\(threads) threads")
            var pieces: [UInt8] = []
            JSONReporter(includeSuppressed: true, threads: threads).write(result, pieceSize: 1_000) { pieces += $0 }
            XCTAssertEqual(String(decoding: pieces, as: UTF8.self), one, "\(threads) threads, in pieces")
        }
        // Text lines likewise.
        let text = TextReporter().render(result)
        XCTAssertEqual(text.split(separator: "\n").count, result.findings.count)
        for threads in [2, 3, 8] {
            XCTAssertEqual(TextReporter(threads: threads).render(result), text, "text, \(threads) threads")
        }
        // SARIF results likewise, with line hashes read from the files.
        let sarif = SARIFReporter(includeSuppressed: true).render(result)
        XCTAssertTrue(sarif.contains("primaryLocationLineHash"))
        for threads in [2, 3, 8] {
            XCTAssertEqual(SARIFReporter(includeSuppressed: true, threads: threads).render(result), sarif, "SARIF, \(threads) threads")
            var pieces: [UInt8] = []
            SARIFReporter(includeSuppressed: true, threads: threads).write(result, pieceSize: 1_000) { pieces += $0 }
            XCTAssertEqual(String(decoding: pieces, as: UTF8.self), sarif, "SARIF, \(threads) threads, in pieces")
        }
    }

    /// With several threads the graph finds its assume edges in ranges of principals side by
    /// side: the same edges, in the same order, as one thread.
    func testGraphBuiltOnSeveralThreadsIsTheSame() throws {
        let org = try organisation()
        let saved = IAMGraph.principalsPerThread
        IAMGraph.principalsPerThread = 5
        defer { IAMGraph.principalsPerThread = saved }
        func edges(threads: Int) -> [String] {
            var configuration = org.configuration
            configuration.threads = threads
            let graph = Linter(configuration: configuration).lint([org.root], displayBase: org.root).graph
            XCTAssertGreaterThan(graph.principals.count, 5 * 4)
            return graph.assumeEdges.map { "\($0.from)->\($0.role) \($0.statement.provenance.logicalPath)" }
                + graph.trustEdges.map { "\($0.role)<-\($0.principal.identity) \($0.statement.provenance.logicalPath)" }
                + graph.grants.enumerated().map { "\($0.offset): \($0.element.map(\.policyName))" }
        }
        let one = edges(threads: 1)
        XCTAssertGreaterThan(one.count, 100)
        XCTAssertEqual(one, edges(threads: 4))
        XCTAssertEqual(one, edges(threads: 3))
    }

    /// The lookup `IAMGraph` did before it had an index: the first managed policy that matches.
    private func exhaustiveManagedPolicy(_ graph: IAMGraph, _ arn: PolicyText, from file: String) -> Int? {
        let parsed = ARN(arn.value)
        if let parsed, parsed.account == "aws" { return nil }
        let literalName: String? = parsed.flatMap { p in
            guard !arn.isSymbolic, p.service == "iam", p.resource.hasPrefix("policy/") else { return nil }
            return ARN.lastPathComponent(p.resource)
        }
        return graph.policies.indices.first { i in
            let policy = graph.policies[i]
            guard policy.isManaged else { return false }
            if arn.value == policy.arn || arn.value == "${\(policy.logicalName)}" {
                return policy.provenance.file == file || !arn.isSymbolic
            }
            if let literalName, let name = policy.explicitName, !name.isSymbolic {
                return name.value == literalName
            }
            return false
        }
    }
}

/// A small deterministic random number generator (SplitMix64) for shuffles that repeat.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49EB_311C_133B
        return z ^ (z >> 31)
    }
}
