import IAMLintCore
import IAMLintModel

/// Turns the resolver's undeclared names into input problems, one per name and position (a name
/// resolved twice, e.g. through two references to the same resource, is reported once).
struct UndefinedReferences {
    let file: String
    private var seen = Set<IntrinsicResolver.UndefinedReference>()
    private(set) var problems: [InputProblem] = []

    init(file: String) { self.file = file }

    /// `logicalPath` is spelled only when a reference is new (nearly every resource has none).
    mutating func add(_ references: [IntrinsicResolver.UndefinedReference], logicalPath: @autoclosure () -> String) {
        guard !references.isEmpty else { return }
        var path: String?
        for reference in references where seen.insert(reference).inserted {
            let spelled = path ?? logicalPath()
            path = spelled
            problems.append(InputProblem(
                kind: .undefinedReference, message: Self.message(reference),
                provenance: Provenance(file: file, logicalPath: spelled, range: reference.range)))
        }
    }

    static func message(_ reference: IntrinsicResolver.UndefinedReference) -> String {
        switch reference.function {
        case .ref:
            return "Ref to '\(reference.name)', which the template declares neither as a parameter nor as a resource"
        case .getAtt:
            return "Fn::GetAtt of '\(reference.name)', which the template does not declare as a resource"
        case .sub:
            return "Fn::Sub variable '${\(reference.name)}' names no parameter, resource or variable of the template"
        }
    }
}
