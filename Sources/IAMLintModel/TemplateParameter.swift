import IAMLintCore

/// A CloudFormation parameter's declaration: what a symbolic `${Name}` left by the parameter
/// (one without a default) may stand for, as far as the template says.
public struct TemplateParameter: Sendable {
    public var name: String
    /// `Type` as written (`String`, `Number`, `CommaDelimitedList`…), if any.
    public var type: String?
    /// `AllowedPattern` as written (a Java regular expression), if any.
    public var allowedPattern: String?
    /// `AllowedValues` (scalars only), empty when not declared.
    public var allowedValues: [String]
    /// `MinLength` and `MaxLength`, when declared as integers.
    public var minLength: Int?
    public var maxLength: Int?
    /// Where the parameter is declared (its key under `Parameters`).
    public var provenance: Provenance

    public init(
        name: String, type: String?, allowedPattern: String?, allowedValues: [String], minLength: Int? = nil, maxLength: Int? = nil,
        provenance: Provenance
    ) {
        self.name = name
        self.type = type
        self.allowedPattern = allowedPattern
        self.allowedValues = allowedValues
        self.minLength = minLength
        self.maxLength = maxLength
        self.provenance = provenance
    }
}

extension IAMGraph {
    /// The parameter that a whole value `${Name}` written in `file` comes from, if `Name` is a
    /// parameter that the file declares.
    public func parameter(of value: String, inFile file: String) -> TemplateParameter? {
        guard value.hasPrefix("${"), value.hasSuffix("}"), value.count > 3 else { return nil }
        let name = String(value.dropFirst(2).dropLast())
        guard !name.contains("$"), !name.contains("}") else { return nil }
        return parameter(named: name, inFile: file)
    }
}
