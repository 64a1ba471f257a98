import IAMLintCore
import IAMLintModel

/// IAM's limits on names and paths (the IAM quotas page): names use `[\w+=,.@-]`, paths start and
/// end with `/` and use printable ASCII (`!` to `~`).
enum IAMNameRules {
    /// The longest name IAM accepts for each kind.
    static func maxLength(_ kind: EntityKind) -> Int {
        switch kind {
        case .role, .user: return 64
        case .group, .managedPolicy, .instanceProfile: return 128
        }
    }

    static let maxPathLength = 512

    /// The property that holds each kind's name in CloudFormation and in Terraform.
    static func nameKey(_ kind: EntityKind, cloudFormation: Bool) -> String {
        guard cloudFormation else { return "name" }
        switch kind {
        case .role: return "RoleName"
        case .user: return "UserName"
        case .group: return "GroupName"
        case .managedPolicy: return "ManagedPolicyName"
        case .instanceProfile: return "InstanceProfileName"
        }
    }

    /// `.Properties.` and the CloudFormation name key of each kind (`.Properties.RoleName`), as a
    /// literal: what follows a resource's logical path in the path of its name (IAM402 reports it
    /// for every named resource of a template, and a finding keeps it without spelling it).
    static func cloudFormationNamePathTail(_ kind: EntityKind) -> StaticString {
        switch kind {
        case .role: return ".Properties.RoleName"
        case .user: return ".Properties.UserName"
        case .group: return ".Properties.GroupName"
        case .managedPolicy: return ".Properties.ManagedPolicyName"
        case .instanceProfile: return ".Properties.InstanceProfileName"
        }
    }

    /// True for a non-empty name of at most `maxLength` characters from `[A-Za-z0-9_+=,.@-]`.
    static func isValidName(_ name: String, maxLength: Int) -> Bool {
        if let valid = name.utf8.withContiguousStorageIfAvailable({ bytes in
            // Every allowed character is ASCII, where scalars are bytes.
            !bytes.isEmpty && bytes.count <= maxLength && bytes.allSatisfy { $0 < 0x80 && isNameCharacter(Unicode.Scalar($0)) }
        }) {
            return valid
        }
        guard !name.isEmpty, name.unicodeScalars.count <= maxLength else { return false }
        return name.unicodeScalars.allSatisfy(isNameCharacter)
    }

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": return true
        default: return false
        }
    }

    /// True when every character is printable ASCII other than space (`!` to `~`).
    static func isValidPathText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7E }
    }

    /// `text.containsUTF8("${")`, told first by one pass over the bytes for a `$` (a search
    /// for the needle costs some hundreds of instructions even on a short name).
    static func hasPlaceholder(_ text: String) -> Bool {
        hasByte(text, UInt8(ascii: "$")) && text.containsUTF8("${")
    }

    /// `text.containsUTF8("{{resolve:")`, told first by one pass over the bytes for a `{`.
    static func hasDynamicReference(_ text: String) -> Bool {
        hasByte(text, UInt8(ascii: "{")) && text.containsUTF8("{{resolve:")
    }

    private static func hasByte(_ text: String, _ byte: UInt8) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ $0.contains(byte) }) { return found }
        return text.utf8.contains(byte)
    }

    /// Why `path` is not a valid IAM path, or nil.
    static func pathProblem(_ path: String) -> String? {
        // Nearly every path is fine and printable ASCII, where characters are bytes: told on
        // the bytes; any other is read character by character below.
        let fine = path.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count >= 1 && bytes.count <= maxPathLength && bytes.first == UInt8(ascii: "/") && bytes.last == UInt8(ascii: "/")
                && bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
        }
        if fine == true { return nil }
        if !path.hasPrefix("/") || !path.hasSuffix("/") { return "does not start and end with '/'" }
        if path.unicodeScalars.count > maxPathLength { return "is longer than \(maxPathLength) characters" }
        if !isValidPathText(path) { return "uses characters outside printable ASCII ('!' to '~')" }
        return nil
    }

    /// Why `name` breaks IAM's limits for `kind`, or nil.
    static func nameProblem(_ name: String, kind: EntityKind) -> String? {
        let limit = maxLength(kind)
        if isValidName(name, maxLength: limit) { return nil }
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.count > limit { return "is \(name.unicodeScalars.count) characters long (at most \(limit))" }
        let bad = name.unicodeScalars.filter { !isNameCharacter($0) }
        if let first = bad.first {
            let shown = first == " " ? "space" : "'\(first)'"
            return "uses \(shown), which IAM names cannot contain (allowed: letters, digits and + = , . @ _ -)"
        }
        return nil
    }
}

extension Principal {
    /// True for a resource of a CloudFormation template (not Terraform, not implied by AWS).
    var isCloudFormationResource: Bool {
        implicitOrigin == nil && provenance.logicalPath.hasPrefix("Resources.")
    }
}
