import IAMLintCore
import IAMLintModel

/// The `Parameters` section of a CloudFormation template, as the model's `TemplateParameter`s.
enum TemplateParameters {
    static func read(_ template: Node, file: String) -> [TemplateParameter] {
        (template["Parameters"]?.entries ?? .empty).map { entry in
            TemplateParameter(
                name: entry.key, type: entry.value["Type"]?.string, allowedPattern: entry.value["AllowedPattern"]?.string,
                allowedValues: entry.value["AllowedValues"]?.items?.compactMap(\.string) ?? [],
                minLength: entry.value["MinLength"]?.string.flatMap { Int($0) }, maxLength: entry.value["MaxLength"]?.string.flatMap { Int($0) },
                provenance: Provenance(file: file, logicalPath: "Parameters.\(entry.key)", range: entry.keyRange))
        }
    }
}
