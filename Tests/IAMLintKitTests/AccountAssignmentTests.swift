import XCTest
@testable import IAMLintKit

/// `AccountAssignment` finds, through its index of glob heads, exactly the account the plain
/// search finds: the first account in the configuration whose glob matches the path.
final class AccountAssignmentTests: XCTestCase {
    /// The search the index replaced: every account in order, every glob, the head as a cheap
    /// first test.
    private func reference(_ accounts: [AccountConfiguration], _ path: String) -> String? {
        let characters = Array(path)
        return accounts.first { account in
            account.paths.contains { glob in
                characters.starts(with: Array(glob.prefix { $0 != "*" && $0 != "?" && $0 != "[" })) && Glob.matches(glob, path)
            }
        }?.id
    }

    private func account(_ id: String, _ paths: [String]) -> AccountConfiguration {
        AccountConfiguration(name: "account-\(id)", id: id, paths: paths, isIdentity: false)
    }

    func testAnOrganisationOfFoldersFindsEachFilesAccount() {
        let accounts = (0..<200).map { account(String(100_000_000_000 + $0), ["accounts/\($0)/**"]) }
        let assignment = AccountAssignment(accounts)
        XCTAssertEqual(assignment.account(of: "accounts/7/iam.json"), "100000000007")
        XCTAssertEqual(assignment.account(of: "accounts/199/deep/er/iam.yaml"), "100000000199")
        XCTAssertNil(assignment.account(of: "accounts/200/iam.json"))
        XCTAssertNil(assignment.account(of: "other/7/iam.json"))
    }

    func testTheFirstMatchingAccountInOrderWinsWhateverItsHead() {
        // The later account's head is longer and matches too; the earlier one's glob has no
        // head at all: it is still first.
        let accounts = [
            account("1", ["**/prod/*.json"]),
            account("2", ["teams/a/prod/*.json", "teams/b/**"]),
            account("3", ["teams/**"]),
        ]
        let assignment = AccountAssignment(accounts)
        XCTAssertEqual(assignment.account(of: "teams/a/prod/x.json"), "1")
        XCTAssertEqual(assignment.account(of: "teams/b/dev/x.json"), "2")
        XCTAssertEqual(assignment.account(of: "teams/c/x.json"), "3")
    }

    func testAgreesWithThePlainSearchOnMixedGlobsAndPaths() {
        let globs = [
            "accounts/1/**", "accounts/1*/**", "accounts/1?/*.json", "accounts/[12]/**", "*.yaml",
            "**", "accounts/é/**", "accounts/e\u{301}x/**", "accounts/\u{212A}/**", "accounts/K/**",
            "a", "accounts", "accounts/", "cr\r/**", "",
        ]
        let paths = [
            "accounts/1/iam.json", "accounts/12/iam.json", "accounts/13/x.json", "accounts/2/a/b.yaml",
            "x.yaml", "accounts/é/x.json", "accounts/e\u{301}/x.json", "accounts/éx/y", "accounts/K/a",
            "accounts/\u{212A}/a", "a", "accounts", "cr\r\n/x", "cr\r/x", "",
        ]
        // Every ordered pair and triple of globs as accounts, so that order and overlap vary.
        var configurations: [[AccountConfiguration]] = []
        for a in globs.indices {
            for b in globs.indices where b != a {
                configurations.append([account("a", [globs[a]]), account("b", [globs[b]])])
                configurations.append([account("ab", [globs[a], globs[b]]), account("c", [globs[(a + b) % globs.count]])])
            }
        }
        configurations.append([account("all", globs)])
        var compared = 0
        for accounts in configurations {
            let assignment = AccountAssignment(accounts)
            for path in paths {
                XCTAssertEqual(assignment.account(of: path), reference(accounts, path), "\(accounts.map(\.paths)) \(path.debugDescription)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, (globs.count * (globs.count - 1) * 2 + 1) * paths.count)
    }
}
