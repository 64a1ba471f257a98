@testable import IAMLintCore
@testable import IAMLintLoaders
@testable import IAMLintModel
import XCTest

/// The compact forms of the model (shared logical paths, shared texts, one-pass statement
/// elements) must read exactly as the plain forms they replace.
final class CompactModelTests: XCTestCase {
    private let range = SourceRange.fileStart

    /// `Provenance.child` as it was: the path spelled at once.
    private func spelled(_ base: String, _ step: String) -> String {
        base.isEmpty ? step : "\(base).\(step)"
    }

    func testLogicalPathsSpellAsTheChainOfChildren() {
        let steps: [(String, Int?)] = [("Properties.Policies", 3), ("PolicyDocument", nil), ("", nil), ("Statement", 0),
                                      ("Condition.Bool", nil), ("", 2), ("x", Int(Int32.max) + 1), ("Résource", -1),
                                      ("AVeryLongKeyThatIsNotInline", 1_234_567), ("k", Int(Int32.min)), ("e\u{301}", 10)]
        let emptyFirst: [(String, Int?)] = [("", nil), ("", nil), ("a", nil), ("", nil), ("", -3), ("Statement", 15), ("b", 16)]
        for (base, steps) in [("", steps), ("Resources.Admin", steps), ("aws_iam_role.admin[\"a.b\"]", steps), ("", emptyFirst)] {
            var provenance = Provenance(file: "t.json", logicalPath: base, range: range)
            var expected = base
            for (key, index) in steps {
                if let index {
                    provenance = provenance.child(key, index: index, range: range)
                    expected = spelled(expected, "\(key)[\(index)]")
                } else {
                    provenance = provenance.child(key, range: range)
                    expected = spelled(expected, key)
                }
                XCTAssertEqual(Array(provenance.logicalPath.utf8), Array(expected.utf8))
            }
        }
    }

    func testProvenancesWithTheSameTextAreEqual() {
        let base = Provenance(file: "t.json", logicalPath: "Resources.A", range: range)
        let chained = base.child("Properties", range: range).child("Policies", index: 0, range: range)
        let flat = Provenance(file: "t.json", logicalPath: "Resources.A.Properties.Policies[0]", range: range)
        XCTAssertEqual(chained, flat)
        XCTAssertEqual(chained.hashValue, flat.hashValue)
        XCTAssertEqual(Set([chained, flat]).count, 1)
        XCTAssertNotEqual(chained, base.child("Properties.Policies[1]", range: range))
        var renamed = chained
        renamed.logicalPath = "Outputs"
        XCTAssertEqual(renamed.logicalPath, "Outputs")
        XCTAssertEqual(chained.logicalPath, "Resources.A.Properties.Policies[0]")
    }

    /// A statement's `Statement[i]` step is kept beside the path's last step, not as a step of
    /// its own: it must compare, hash and spell as the step would.
    func testStatementStepsReadAsSteps() {
        let document = Provenance(file: "t.json", logicalPath: "Resources.A", range: range)
            .child("Properties.PolicyDocument", range: range)
        for index in [0, 7, 15, 16, 123, 99_999_999, Int(Int32.max)] {
            let statement = document.child("Statement", index: index, range: range)
            let flat = Provenance(file: "t.json", logicalPath: "Resources.A.Properties.PolicyDocument.Statement[\(index)]", range: range)
            XCTAssertEqual(statement.logicalPath, flat.logicalPath)
            XCTAssertEqual(statement, flat)
            XCTAssertEqual(statement.hashValue, flat.hashValue)
            XCTAssertEqual(statement, document.child("Statement", index: index, range: range))
            XCTAssertNotEqual(statement, document.child("Statement", index: index + 1, range: range))
            XCTAssertNotEqual(statement, document)
            // Deeper steps after it, and a second statement step.
            XCTAssertEqual(statement.child("Condition", range: range).logicalPath, flat.logicalPath + ".Condition")
            XCTAssertEqual(statement.child("Statement", index: 2, range: range).logicalPath, flat.logicalPath + ".Statement[2]")
            XCTAssertEqual(statement.child("Action", index: index, range: range).logicalPath, flat.logicalPath + ".Action[\(index)]")
        }
        let alone = Provenance(file: "t.json", logicalPath: "", range: range).child("Statement", index: 3, range: range)
        XCTAssertEqual(alone.logicalPath, "Statement[3]")
        XCTAssertEqual(alone.child("Effect", range: range).logicalPath, "Statement[3].Effect")
    }

    /// The item walks of a policy tree visit what `listItems` and `ownItems` list.
    /// A document's step (and a statement's after it) is kept beside the path's last step, not
    /// as a step of its own: it must compare and spell as the step would, and any step after it
    /// must follow it.
    func testDocumentStepsReadAsSteps() {
        for base in ["", "Resources.A", "Resources.A.Properties.Policies[2]"] {
            for key in ["Properties.AssumeRolePolicyDocument", "Properties.PolicyDocument", "PolicyDocument"] {
                let document = Provenance(file: "t.json", logicalPath: base, range: range).child(key, range: range)
                let prefix = spelled(base, key)
                XCTAssertEqual(document.logicalPath, prefix)
                XCTAssertEqual(document.file, "t.json")
                XCTAssertEqual(document, Provenance(file: "t.json", logicalPath: prefix, range: range))
                for index in [0, 15, 16, (1 << 24) - 2, (1 << 24) - 1, Int(Int32.max), Int(Int32.max) + 1] {
                    let statement = document.child("Statement", index: index, range: range)
                    XCTAssertEqual(statement.logicalPath, "\(prefix).Statement[\(index)]")
                    XCTAssertEqual(statement, Provenance(file: "t.json", logicalPath: "\(prefix).Statement[\(index)]", range: range))
                    let deeper = statement.child("Condition", range: range).child("Statement", index: 1, range: range)
                    XCTAssertEqual(deeper.logicalPath, "\(prefix).Statement[\(index)].Condition.Statement[1]")
                    XCTAssertEqual(deeper.file, "t.json")
                }
                XCTAssertEqual(document.child("PolicyDocument", range: range).logicalPath, "\(prefix).PolicyDocument")
                XCTAssertEqual(document.child("Statement", range: range).logicalPath, "\(prefix).Statement")
                XCTAssertEqual(document.child("", range: range).child("Statement", index: 3, range: range).logicalPath, spelled(spelled(prefix, ""), "Statement[3]"))
            }
        }
    }

    /// A template's resources are children of one `Resources` provenance, kept by position;
    /// an inline policy's and a managed policy ARN's steps are kept beside the last step. Each
    /// must spell, compare and hash as the steps would, at the limits of what fits and past them.
    func testResourceAndPolicyStepsReadAsSteps() {
        let ids = ["Admin", "", "AVeryLongLogicalIdThatIsNotInline", "Résumé"] + (0..<4100).map { "R\($0)" }
        let resources = Provenance(file: "t.json", logicalPath: "Resources", children: ids, range: range)
        let plain = Provenance(file: "t.json", logicalPath: "Resources", range: range)
        for position in [0, 1, 2, 3, 4, 4093, 4094, 4095, 4096, ids.count - 1] {
            let resource = resources.child(at: position, range: range)
            let expected = plain.child(ids[position], range: range)
            XCTAssertEqual(resource.logicalPath, spelled("Resources", ids[position]))
            XCTAssertEqual(resource, expected)
            XCTAssertEqual(resource.hashValue, expected.hashValue)
            XCTAssertEqual(resource.file, "t.json")
            XCTAssertEqual(resource.lastKey, ids[position])
            var principal = Principal(kind: .role, explicitName: nil, logicalName: ids[position], provenance: resource)
            XCTAssertEqual(principal.logicalName, ids[position])
            principal.logicalName = "Other"
            XCTAssertEqual(principal.logicalName, "Other")
            principal.provenance = plain
            XCTAssertEqual(principal.logicalName, "Other")
            principal.logicalName = ids[position]
            principal.provenance = resource
            XCTAssertEqual(principal.logicalName, ids[position])
            XCTAssertEqual(principal.referenceKey, "${\(ids[position])}")
            for (key, index, second) in [("Properties.Policies", 0, "PolicyDocument"), ("Properties.Policies", 61, "PolicyDocument"),
                                         ("Properties.Policies", 62, "PolicyDocument"), ("Properties.Policies", 63, "PolicyDocument"),
                                         ("Properties.Policies", 64, "Other"), ("Properties.ManagedPolicyArns", 0, "x"),
                                         ("Properties.ManagedPolicyArns", 62, "PolicyDocument"), ("Properties.ManagedPolicyArns", 1000, "PolicyDocument")] {
                let first = resource.child(key, index: index, range: range)
                let firstText = spelled(expected.logicalPath, "\(key)[\(index)]")
                XCTAssertEqual(first.logicalPath, firstText)
                XCTAssertEqual(first, Provenance(file: "t.json", logicalPath: firstText, range: range))
                XCTAssertNil(first.lastKey)
                let document = first.child(second, range: range)
                XCTAssertEqual(document.logicalPath, "\(firstText).\(second)")
                XCTAssertEqual(document.file, "t.json")
                for statement in [0, 1021, 1022, 1023, 70_000] {
                    let at = document.child("Statement", index: statement, range: range)
                    let text = "\(firstText).\(second).Statement[\(statement)]"
                    XCTAssertEqual(at.logicalPath, text)
                    XCTAssertEqual(at, Provenance(file: "t.json", logicalPath: text, range: range))
                    XCTAssertEqual(at.hashValue, Provenance(file: "t.json", logicalPath: text, range: range).hashValue)
                    XCTAssertEqual(at.child("Action", index: 1, range: range).logicalPath, "\(text).Action[1]")
                }
            }
            let trust = resource.child("Properties.AssumeRolePolicyDocument", range: range)
            XCTAssertEqual(trust.child("Statement", index: 2, range: range).logicalPath,
                           "\(spelled(expected.logicalPath, "Properties.AssumeRolePolicyDocument")).Statement[2]")
            XCTAssertEqual(resource.child("Metadata.iamlint.ignore", range: range).logicalPath, "\(expected.logicalPath).Metadata.iamlint.ignore")
        }
    }

    /// A principal's lists read as the arrays they were made from, whether runs of a shared list
    /// or lists of their own, and a document's size and grammar issues as they were set.
    func testSharedListsAndDocumentFieldsReadAsSet() {
        let texts = (0..<300).map { PolicyText("arn:\($0)", range: range) }
        for run in [0..<0, 0..<1, 5..<9, 0..<254, 0..<255, 10..<300] {
            let list = SharedList(texts, run: run)
            XCTAssertEqual(list.map(\.value), texts[run].map(\.value))
            var principal = Principal(kind: .user, explicitName: nil, logicalName: "U", provenance: Provenance(file: "t", logicalPath: "U", range: range))
            principal.managedPolicyArns = list
            XCTAssertEqual(principal.managedPolicyArns.map(\.value), texts[run].map(\.value))
            XCTAssertEqual(Array(principal.managedPolicyArns.indices), Array(0..<run.count))
            principal.managedPolicyArns.removeAll { $0.value.hasSuffix("7") }
            XCTAssertEqual(principal.managedPolicyArns.map(\.value), texts[run].map(\.value).filter { !$0.hasSuffix("7") })
            principal.groups = [texts[0]]
            XCTAssertEqual(principal.groups.map(\.value), ["arn:0"])
        }
        let provenance = Provenance(file: "t", logicalPath: "P", range: range)
        var document = PolicyDocument(statements: [], provenance: provenance)
        XCTAssertNil(document.size)
        XCTAssertTrue(document.grammarIssues.isEmpty)
        for size in [PolicyDocumentSize(count: 0, estimated: false), PolicyDocumentSize(count: 6_144, estimated: true),
                     PolicyDocumentSize(count: (1 << 30) - 2, estimated: false), PolicyDocumentSize(count: (1 << 30) - 1, estimated: true),
                     PolicyDocumentSize(count: 1 << 40, estimated: false)] {
            let before = document
            document.size = size
            XCTAssertEqual(document.size, size)
            XCTAssertEqual(document.provenance, provenance)
            XCTAssertNotEqual(before.size, size)
        }
        let invalid = PolicyParser.parse(.map([], range), provenance: provenance, purpose: .identity)
        XCTAssertFalse(invalid.grammarIssues.isEmpty)
        var copy = invalid
        copy.size = PolicyDocumentSize(count: 12, estimated: false)
        XCTAssertEqual(copy.grammarIssues.count, invalid.grammarIssues.count)
        XCTAssertEqual(copy.size?.count, 12)
        copy.grammarIssues = []
        XCTAssertTrue(copy.grammarIssues.isEmpty)
        XCTAssertFalse(invalid.grammarIssues.isEmpty)
        document.grammarIssues = invalid.grammarIssues
        XCTAssertEqual(document.grammarIssues.count, invalid.grammarIssues.count)
        XCTAssertEqual(document.size?.count, 1 << 40)
    }

    /// A document's statements read the same held alone (one) or in an array (none, several),
    /// through the parser and when set; one reference either way.
    func testDocumentStatementsReadAsAnArray() throws {
        XCTAssertEqual(MemoryLayout<PolicyStatements>.size, 8)
        let provenance = Provenance(file: "t", logicalPath: "P", range: range)
        func document(_ json: String) throws -> PolicyDocument {
            let root = try XCTUnwrap(JSONParser.parse(json).documents.first)
            return PolicyParser.parse(Value(node: root, at: range), provenance: provenance, purpose: .identity)
        }
        let one = try document(#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#)
        let listOfOne = try document(#"{"Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}"#)
        let three = try document(#"{"Statement": [{"Action": "a:B", "Resource": "*"}, 1, {"Action": "c:D", "Resource": "*"}, {"Effect": "Deny", "Action": "e:F", "Resource": "*"}]}"#)
        XCTAssertEqual(one.statements.map { $0.actions.map(\.value) }, [["s3:GetObject"]])
        XCTAssertEqual(one.statements[0].provenance.logicalPath, "P.Statement")
        XCTAssertEqual(listOfOne.statements.count, 1)
        XCTAssertEqual(listOfOne.statements.first?.provenance.logicalPath, "P.Statement[0]")
        XCTAssertEqual(three.statements.map { $0.actions.map(\.value) }, [["a:B"], ["c:D"], ["e:F"]])
        XCTAssertEqual(three.statements.map(\.provenance.logicalPath), ["P.Statement[0]", "P.Statement[2]", "P.Statement[3]"])
        XCTAssertTrue(three.statements.contains { $0.effect == .deny })
        XCTAssertEqual(three.statements.first { $0.effect == .deny }?.actions.first?.value, "e:F")
        XCTAssertFalse(one.statements.contains { $0.effect == .deny })
        XCTAssertNil(one.statements.first { $0.effect == .deny })
        let empty = try document(#"{"Statement": []}"#)
        XCTAssertTrue(empty.statements.isEmpty)
        XCTAssertEqual(Array(empty.statements.indices), [])

        var built = PolicyDocument(statements: [], provenance: provenance)
        built.statements.append(one.statements[0])
        XCTAssertEqual(built.statements.map(\.copyIdentity), [one.statements[0].copyIdentity])
        built.statements.append(three.statements[1])
        XCTAssertEqual(built.statements.map(\.copyIdentity), [one.statements[0].copyIdentity, three.statements[1].copyIdentity])
        built.statements[0] = three.statements[2]
        XCTAssertEqual(built.statements.map(\.copyIdentity), [three.statements[2].copyIdentity, three.statements[1].copyIdentity])
        var single: PolicyStatements = [one.statements[0]]
        single[0] = three.statements[0]
        XCTAssertEqual(single.map(\.copyIdentity), [three.statements[0].copyIdentity])
        XCTAssertEqual(one.statements[0].actions.first?.value, "s3:GetObject")
    }

    /// A statement's counts and flags share three words of its header (56 bytes); lists of
    /// principals or conditions too long for 15 bits are counted before the elements.
    func testStatementCountsAndFlagsReadAsSet() {
        XCTAssertEqual(MemoryLayout<StatementHeader>.size, 56)
        let provenance = Provenance(file: "t", logicalPath: "S", range: range)
        let texts = (0..<3).map { PolicyText("s3:Get\($0)", range: range) }
        for principalCount in [0, 1, 32_766, 32_767, 40_000] {
            for conditionCount in [0, 2, 32_767] where principalCount < 40_000 || conditionCount < 32_767 {
                let principals = (0..<principalCount).map { PrincipalEntry(kind: .aws, text: PolicyText("arn:aws:iam::\($0):root", range: range)) }
                let conditions = (0..<conditionCount).map { ConditionClause(op: "StringEquals", key: "k\($0)", values: [texts[0]], range: range) }
                for (effect, negated) in [(Effect.allow, false), (.deny, true)] {
                    var statement = Statement(
                        effect: effect, actions: texts, isNotAction: negated, resources: [texts[1]], isNotResource: !negated,
                        principals: principals, isNotPrincipal: negated, conditions: conditions, provenance: provenance)
                    XCTAssertEqual(statement.effect, effect)
                    XCTAssertEqual(statement.isNotAction, negated)
                    XCTAssertEqual(statement.isNotResource, !negated)
                    XCTAssertEqual(statement.isNotPrincipal, negated)
                    XCTAssertEqual(statement.actions.map(\.value), texts.map(\.value))
                    XCTAssertEqual(statement.resources.map(\.value), [texts[1].value])
                    XCTAssertEqual(statement.principals.count, principalCount)
                    XCTAssertEqual(statement.principals.last?.text.value, principals.last?.text.value)
                    XCTAssertEqual(statement.conditions.count, conditionCount)
                    XCTAssertEqual(statement.conditions.last?.key, conditions.last?.key)
                    XCTAssertEqual(statement.provenance, provenance)
                    statement.effect = effect == .allow ? .deny : .allow
                    statement.isNotPrincipal.toggle()
                    statement.isNotAction.toggle()
                    XCTAssertNotEqual(statement.effect, effect)
                    XCTAssertEqual(statement.isNotPrincipal, !negated)
                    XCTAssertEqual(statement.isNotAction, !negated)
                    XCTAssertEqual(statement.isNotResource, !negated)
                    statement.actions = [texts[2]]
                    XCTAssertEqual(statement.actions.map(\.value), [texts[2].value])
                    XCTAssertEqual(statement.principals.count, principalCount)
                    XCTAssertEqual(statement.conditions.count, conditionCount)
                    XCTAssertEqual(statement.conditions.first?.key, conditions.first?.key)
                    XCTAssertEqual(statement.isNotPrincipal, !negated)
                }
            }
        }
    }

    /// The file is kept in the path's first step: every provenance made from one reads it, a
    /// provenance holds one reference, and the file still takes part in equality.
    func testProvenanceKeepsItsFileInItsPath() {
        let base = Provenance(file: "accounts/0001-100000007919/iam.json", logicalPath: "", range: range)
        let deep = base.child("Resources", range: range).child("Admin", range: range)
            .child("Statement", index: 3, range: range).child("Condition", range: range)
        XCTAssertEqual(deep.file, "accounts/0001-100000007919/iam.json")
        XCTAssertEqual(deep.logicalPath, "Resources.Admin.Statement[3].Condition")
        XCTAssertEqual(base.child("Resources", range: range).logicalPath, "Resources")
        var moved = deep
        moved.file = "other.json"
        XCTAssertEqual(moved.file, "other.json")
        XCTAssertEqual(moved.logicalPath, deep.logicalPath)
        XCTAssertEqual(deep.file, "accounts/0001-100000007919/iam.json")
        XCTAssertNotEqual(moved, deep)
        var renamed = deep
        renamed.logicalPath = "Outputs"
        XCTAssertEqual(renamed.file, deep.file)
        XCTAssertNotEqual(Provenance(file: "a", logicalPath: "p", range: range), Provenance(file: "b", logicalPath: "p", range: range))
        XCTAssertLessThanOrEqual(MemoryLayout<Provenance>.size, 28)
    }

    /// A principal entry keeps its text as parts: it must read, change and compare as the text.
    func testPrincipalEntriesKeepTheirText() {
        let at = SourceRange(start: SourcePosition(line: 4, column: 9), end: SourcePosition(line: 4, column: 40))
        var entry = PrincipalEntry(kind: .aws, text: PolicyText("arn:aws:iam::123456789012:role/Admin", range: at))
        XCTAssertEqual(entry.text, PolicyText("arn:aws:iam::123456789012:role/Admin", range: at))
        XCTAssertEqual(entry.identity, .role(account: "123456789012", name: "Admin"))
        let copy = entry
        entry.text.value = "123456789012"
        XCTAssertEqual(entry.identity, .account("123456789012"))
        XCTAssertEqual(entry.text.range, at)
        XCTAssertNotEqual(entry, copy)
        entry.text = PolicyText("${Other}", range: range, isSymbolic: true)
        XCTAssertTrue(entry.text.isSymbolic)
        XCTAssertEqual(entry.text.range, range)
        entry.kind = .service
        XCTAssertEqual(entry.identity, .service("${Other}"))
        let same = PrincipalEntry(kind: .service, text: PolicyText("${Other}", range: range, isSymbolic: true))
        XCTAssertEqual(entry, same)
        XCTAssertEqual(entry.hashValue, same.hashValue)
        XCTAssertLessThanOrEqual(MemoryLayout<PrincipalEntry>.stride, 72)
    }

    /// A statement's `Sid` and `NotAction`/`NotResource` key ranges share one side object:
    /// changing one keeps the others, and copies keep what they had.
    func testStatementSidAndNegatedKeysAreKeptTogether() {
        let at = SourceRange(start: SourcePosition(line: 2, column: 3), end: SourcePosition(line: 2, column: 12))
        var statement = Statement(sid: "First", effect: .allow, actions: [], provenance: Provenance(file: "t.json", logicalPath: "", range: range))
        statement.setNegatedElementKeys(notAction: at, notResource: nil)
        XCTAssertEqual(statement.sid, "First")
        XCTAssertEqual(statement.notActionKeyRange, at)
        XCTAssertNil(statement.notResourceKeyRange)
        let copy = statement
        statement.sid = nil
        XCTAssertNil(statement.sid)
        XCTAssertEqual(statement.notActionKeyRange, at)
        XCTAssertEqual(copy.sid, "First")
        statement.setNegatedElementKeys(notAction: nil, notResource: nil)
        XCTAssertNil(statement.notActionKeyRange)
        XCTAssertEqual(copy.notActionKeyRange, at)
        statement.sid = "Again"
        XCTAssertEqual(statement.sid, "Again")
        XCTAssertNil(Statement(effect: .deny, actions: [], provenance: copy.provenance).sid)
    }

    func testPolicyTreeItemWalksMatchTheItemLists() {
        let r = range
        let values: [Value] = [
            .null(r), .string("a", r),
            .list([.string("a", r), .null(r), .alternatives([.list([.string("b", r), .null(r)], r), .null(r), .string("c", r)], r)], r),
            .alternatives([.string("d", r), .alternatives([.list([.string("e", r)], r)], r)], r),
            .map([], r),
        ]
        func texts(_ items: [Value]) -> [String] { items.map { $0.text?.value ?? "\($0.shape)" } }
        for value in values {
            var listed: [Value] = []
            value.forEachListItem { listed.append($0) }
            XCTAssertEqual(texts(listed), texts(value.listItems))
            var own: [Value] = []
            value.forEachOwnItem { own.append($0) }
            XCTAssertEqual(texts(own), texts(value.ownItems))
            XCTAssertEqual(value.ownItemCount, value.ownItems.count)
        }
        for json in ["[\"a\", null, [\"b\"], {}]", "\"a\"", "null", "{\"k\": 1}"] {
            let root = JSONParser.parse(json).documents[0]
            let table = SharedTexts()
            withExtendedLifetime(table) { root.withCursor { cursor in
                let tree = NodePolicyTree(cursor, table: table)
                var listed: [NodePolicyTree] = []
                tree.forEachListItem { listed.append($0) }
                XCTAssertEqual(listed.map(\.range), tree.listItems.map(\.range))
                var own: [NodePolicyTree] = []
                tree.forEachOwnItem { own.append($0) }
                XCTAssertEqual(own.map(\.range), tree.ownItems.map(\.range))
                XCTAssertEqual(tree.ownItemCount, tree.ownItems.count)
            } }
        }
    }

    /// The size is counted eight bytes at a time where each weighs one: every length around
    /// the word size, every kind of byte at every place, counts as byte by byte.
    func testDocumentSizesCountAsByteByByte() {
        func expected(_ text: [UInt8], pseudo: Bool) -> Int {
            var count = 2
            var i = 0
            while i < text.count {
                if pseudo, text[i] == UInt8(ascii: "$") {
                    var matched = false
                    for (name, length) in PolicyDocumentSize.pseudoLengths {
                        let placeholder = Array("${\(name)}".utf8)
                        if i + placeholder.count <= text.count, Array(text[i..<(i + placeholder.count)]) == placeholder {
                            count += length
                            i += placeholder.count
                            matched = true
                            break
                        }
                    }
                    if matched { continue }
                }
                let b = text[i]
                if b >= 0x80 { count += b & 0xC0 == 0x80 ? 0 : 1 }
                else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {}
                else { count += b == 0x22 || b == 0x5C || b < 0x20 ? 2 : 1 }
                i += 1
            }
            return count
        }
        let specials: [String] = [" ", "\t", "\n", "\"", "\\", "\u{1}", "\u{7F}", "!", "$", "${AWS::Region}", "\u{E9}", "\u{1F600}", "${AWS::AccountId}"]
        for length in 0...20 {
            for special in specials {
                for place in 0...length {
                    var text = Array(String(repeating: "a", count: length).utf8)
                    text.insert(contentsOf: Array(special.utf8), at: place)
                    for symbolic in [false, true] {
                        let value: Value = symbolic ? .symbolic(String(decoding: text, as: UTF8.self), range) : .string(String(decoding: text, as: UTF8.self), range)
                        let size = PolicyDocumentSize.measure(map: Value.map([ValueEntry(key: "k", keyRange: range, value: value)], range))
                        // The map's braces (2), the key (1 + 2 quotes) and the colon (1).
                        XCTAssertEqual(size.count, 6 + expected(text, pseudo: symbolic), "\(text) symbolic: \(symbolic)")
                    }
                }
            }
        }
    }

    func testSharedTextsKeepEveryTextsOwnBytes() {
        let texts = SharedTexts()
        let long = "arn:aws:iam::123456789012:role/Admin"
        let first = texts.shared(String(decoding: Array(long.utf8), as: UTF8.self))
        let second = texts.shared(String(decoding: Array(long.utf8), as: UTF8.self))
        XCTAssertEqual(Array(first.utf8), Array(long.utf8))
        XCTAssertEqual(Array(second.utf8), Array(long.utf8))
        // Canonically equivalent but different bytes: each keeps its own.
        let composed = "arn:aws:s3:::caf\u{E9}-bucket-name"
        let decomposed = "arn:aws:s3:::cafe\u{301}-bucket-name"
        XCTAssertEqual(composed, decomposed)
        XCTAssertEqual(Array(texts.shared(composed).utf8), Array(composed.utf8))
        XCTAssertEqual(Array(texts.shared(decomposed).utf8), Array(decomposed.utf8))
        // Many distinct texts (the table grows) come back unchanged.
        for i in 0..<1000 {
            let text = "arn:aws:iam::123456789012:role/r-\(i)"
            XCTAssertEqual(texts.shared(text), text)
        }
        XCTAssertEqual(texts.shared("short"), "short")
        // The byte entry point finds the texts kept through either.
        let bytes = Array(long.utf8)
        XCTAssertEqual(bytes.withUnsafeBufferPointer { texts.shared($0) }, long)
        let decomposedBytes = Array(decomposed.utf8)
        XCTAssertEqual(Array(decomposedBytes.withUnsafeBufferPointer { texts.shared($0) }.utf8), decomposedBytes)
    }

    /// A resource's type is read on its bytes as `String` equality would decide it.
    func testResourceTypesAreClassifiedAsStringsCompare() throws {
        func type(_ yaml: String) throws -> CloudFormationLoader.ResourceType {
            let root = try XCTUnwrap(YAMLParser.parse(Array(yaml.utf8)).documents.first)
            return CloudFormationLoader.resourceType(root["Type"])
        }
        XCTAssertEqual(try type("Type: AWS::IAM::Role"), .read("AWS::IAM::Role"))
        XCTAssertEqual(try type("Type: AWS::IAM::OIDCProvider"), .read("AWS::IAM::OIDCProvider"))
        XCTAssertEqual(try type("Type: AWS::S3::Bucket"), .other)
        XCTAssertEqual(try type("Type: ~"), .missing)
        XCTAssertEqual(try type("Type: [AWS::IAM::Role]"), .missing)
        // U+212A KELVIN SIGN is canonically equivalent to K.
        XCTAssertEqual(try type("Type: \"AWS::IAM::Access\\u212Aey\""), .read("AWS::IAM::Access\u{212A}ey"))
    }

    /// Terraform addresses split the same on bytes (ASCII) and by characters (anything else).
    func testTerraformAddressesSplitAtDotsOutsideIndexesAndQuotes() {
        XCTAssertEqual(TerraformAddress.split("module.a[0].module.b.data.aws_iam_policy_document.d[\"k.x\"]"),
                       ["module", "a[0]", "module", "b", "data", "aws_iam_policy_document", "d[\"k.x\"]"])
        XCTAssertEqual(TerraformAddress.split("aws_iam_role.r[\"a\\\"].b\"]"), ["aws_iam_role", "r[\"a\\\"].b\"]"])
        XCTAssertEqual(TerraformAddress.split("a..b."), ["a", "", "b", ""])
        XCTAssertEqual(TerraformAddress.split(""), [""])
        // A dot followed by a combining mark is one character, not a separator.
        XCTAssertEqual(TerraformAddress.split("aws_iam_user.caf\u{E9}.x\u{301}y"), ["aws_iam_user", "caf\u{E9}", "x\u{301}y"])
        XCTAssertEqual(TerraformAddress.split("aws_iam_user.u.\u{301}"), ["aws_iam_user", "u.\u{301}"])
    }

    /// CloudFormation short tags are found on bytes as the dictionary finds them.
    func testShortTagsHaveTheirLongForms() {
        for (short, long) in YAMLParser.cloudFormationTags {
            XCTAssertEqual(YAMLParser.cloudFormationLongName(short), long)
        }
        XCTAssertNil(YAMLParser.cloudFormationLongName("!Custom"))
        XCTAssertNil(YAMLParser.cloudFormationLongName("!Re"))
        XCTAssertNil(YAMLParser.cloudFormationLongName("tag:yaml.org,2002:str"))
    }

    /// Parameters are found by name as a dictionary keyed by `String` would find them.
    func testEntriesAreFoundByNameAsStringsCompare() throws {
        let yaml = "A: 1\nB: 2\nA: 3\n\"Caf\\u00E9\": 4\n"
        let root = try XCTUnwrap(YAMLParser.parse(Array(yaml.utf8)).documents.first)
        let entries = try XCTUnwrap(root.entries)
        XCTAssertEqual(entries.last(named: "A")?.value.string, "3")
        XCTAssertEqual(entries.last(named: "B")?.value.string, "2")
        XCTAssertNil(entries.last(named: "C"))
        XCTAssertEqual(entries.last(named: "Cafe\u{301}")?.value.string, "4")
    }

    /// `PolicyParser.statement` finds each element as `Value.entry(caseInsensitive:)` does: the
    /// last entry whose key names it ignoring case, ASCII or not.
    func testStatementElementsAreFoundAsByCaseInsensitiveLookup() throws {
        func text(_ s: String) -> Value { .string(s, range) }
        let keys: [(String, Value)] = [
            ("effect", text("Deny")), ("EFFECT", text("Allow")), ("Action", text("s3:GetObject")), ("ACTION", text("s3:PutObject")),
            ("NotAction", text("iam:*")), ("resource", text("arn:aws:s3:::a")), ("R\u{E9}source", text("arn:aws:s3:::b")),
            ("SID", text("First")), ("Sid", text("Second")), ("Sİd", text("Dotted")), ("CONDITION", .map([
                ValueEntry(key: "Bool", keyRange: range, value: .map([ValueEntry(key: "aws:SecureTransport", keyRange: range, value: text("true"))], range)),
            ], range)), ("principal", .map([ValueEntry(key: "AWS", keyRange: range, value: text("*"))], range)),
        ]
        let value = Value.map(keys.map { ValueEntry(key: $0.0, keyRange: range, value: $0.1) }, range)
        let statement = try XCTUnwrap(PolicyParser.statement(value, provenance: Provenance(file: "t.json", logicalPath: "", range: range)))
        XCTAssertEqual(statement.effect, .allow)
        XCTAssertEqual(statement.actions.map(\.value), value.entry(caseInsensitive: "Action")?.value.texts.map(\.value))
        XCTAssertEqual(statement.actions.map(\.value), ["s3:PutObject"])
        XCTAssertFalse(statement.isNotAction)
        XCTAssertEqual(statement.resources.map(\.value), ["arn:aws:s3:::a"])
        XCTAssertEqual(statement.sid, value.entry(caseInsensitive: "Sid")?.value.text?.value)
        XCTAssertEqual(statement.conditions.map(\.key), ["aws:SecureTransport"])
        XCTAssertEqual(statement.principals.map(\.text.value), ["*"])
        for key in keys.map(\.0) {
            let element = StatementElements.element(named: key)
            let reference = StatementElements.Element.allCases.first { key.lowercased() == $0.name.lowercased() }
            XCTAssertEqual(element, reference, key)
        }
    }

    /// The committed-key prefilter finds `AKIA`/`ASIA` from their `I`: at either end of the
    /// source, next to other `I`s and `A`s, and not in near misses.
    func testKeyIDPrefilterFindsEveryPrefix() {
        func may(_ text: String) -> Bool { CommittedKeyScanner.sourceMayHoldKeyID(Array(text.utf8)) }
        for text in ["AKIA", "ASIA", "xAKIA", "AKIAx", "IIAKIA", "AASIA", "AAKIAA", "IAM AKIA", "AKI ASIA"] {
            XCTAssertTrue(may(text), text)
        }
        for text in ["AKI", "AKIB", "ABIA", "KIAA", "IAIA", "IAM::Role", "AKJA", "A KIA", "akia", "AS IA"] {
            XCTAssertFalse(may(text), text)
        }
    }
}
