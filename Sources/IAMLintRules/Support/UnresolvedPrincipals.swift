import IAMLintCore
import IAMLintModel

/// How the trust rules read an `AWS` principal whose value is unknown until deployment: a
/// CloudFormation parameter without a default (`${BuildAccountId}`), another unresolved
/// intrinsic (`${ImportValue:…}`, `${Resource.Attribute}`) or a Terraform value unknown until
/// apply. Such a value can only be an account, a user or a role; the template's declaration
/// of the parameter (`AllowedValues`, `AllowedPattern`, a length of exactly 12) may say which.
/// Nothing is guessed from names.
enum UnresolvedPrincipal {
    /// What the declaration shows an unresolved principal to be.
    enum Reading: Equatable {
        /// Nothing narrows it: an account, a user or a role.
        case unknown
        /// Only 12-digit account ids.
        case accountID
        /// Only role ARNs or service principals: never an account or a user.
        case notAPerson
    }

    /// The reading of an `AWS` principal whose identity is not understood and whose value holds
    /// a `${…}` placeholder; nil for every other principal. `file` is where the trust is written.
    static func reading(of entry: PrincipalEntry, inFile file: String, graph: IAMGraph) -> Reading? {
        guard entry.kind == .aws, case .other(let value) = entry.identity, value.contains("${") else { return nil }
        guard let parameter = graph.parameter(of: value, inFile: file) else { return .unknown }
        return reading(of: parameter)
    }

    /// The account-id parameter behind an `AWS` principal written as `${P}` or
    /// `arn:…:iam::${P}:root`, when P's declaration admits only 12-digit ids.
    static func accountParameter(_ entry: PrincipalEntry, inFile file: String, graph: IAMGraph) -> TemplateParameter? {
        guard entry.kind == .aws else { return nil }
        let value: String
        switch entry.identity {
        case .other(let v): value = v
        case .account(let id): value = id
        default: return nil
        }
        guard let parameter = graph.parameter(of: value, inFile: file), reading(of: parameter) == .accountID else { return nil }
        return parameter
    }

    static func reading(of parameter: TemplateParameter) -> Reading {
        let values = parameter.allowedValues
        if !values.isEmpty {
            if values.allSatisfy(isAccountID) { return .accountID }
            if values.allSatisfy(isRoleOrService) { return .notAPerson }
        }
        // Twelve characters exactly: no ARN and no service principal is that short.
        if parameter.minLength == 12 && parameter.maxLength == 12 { return .accountID }
        if let pattern = parameter.allowedPattern {
            if admitsOnlyAccountIDs(pattern) { return .accountID }
            if requiresRoleOrService(pattern) { return .notAPerson }
        }
        return .unknown
    }

    static func isAccountID(_ value: String) -> Bool {
        value.utf8.count == 12 && value.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func isRoleOrService(_ value: String) -> Bool {
        switch PrincipalIdentity(awsPrincipal: value) {
        case .role, .assumedRole: return true
        default: return value.hasSuffix(".amazonaws.com") && !value.contains(":")
        }
    }

    /// `^\d{12}$`, `[0-9]{12}`, `(\d{12})` and the like: exactly twelve digits.
    static func admitsOnlyAccountIDs(_ pattern: String) -> Bool {
        var core = Substring(pattern)
        if core.hasPrefix("^") { core = core.dropFirst() }
        if core.hasSuffix("$") { core = core.dropLast() }
        if core.hasPrefix("("), core.hasSuffix(")") { core = core.dropFirst().dropLast() }
        if core.hasPrefix("?:") { core = core.dropFirst(2) }
        for digit in [#"\d"#, "[0-9]", "[[:digit:]]", #"\p{Digit}"#] {
            if core == "\(digit){12}" || core == String(repeating: digit, count: 12) { return true }
        }
        return false
    }

    /// True when every string the pattern admits contains `:role/`, `:assumed-role/` or
    /// `amazonaws.com`: the text is written outside any group, class or alternation.
    static func requiresRoleOrService(_ pattern: String) -> Bool {
        guard !pattern.contains("|") else { return false }
        var outside = ""
        var depth = 0
        var inClass = false
        var escaped = false
        for c in pattern {
            if escaped {
                escaped = false
                if depth == 0 && !inClass { outside.append(c.isLetter || c.isNumber ? "\u{0}" : c) }
                continue
            }
            switch c {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true; outside.append("\u{0}")
            case "]" where inClass: inClass = false
            case "(" where !inClass: depth += 1; outside.append("\u{0}")
            case ")" where !inClass: depth = max(0, depth - 1)
            default:
                if depth == 0 && !inClass { outside.append(c == "." ? "\u{0}" : c) }
            }
        }
        // A needle whose last character is quantified (`?`, `*`, `{0,1}`) is not required.
        return [":role/", ":assumed-role/", "amazonaws.com"].contains { needle in
            guard let range = outside.firstRange(of: needle) else { return false }
            let next = outside[range.upperBound...].first
            return next != "?" && next != "*" && next != "{"
        }
    }
}
