import IAMLintCore
import IAMLintModel

extension RuleContext {
    /// One finding per input problem of `kind` (IAM0xx rules), at the problem's position with its
    /// related locations; `message` turns the problem's detail into the finding's message, and
    /// `subject` names what the finding is about (the file, or the logical path in it).
    func findings(
        forProblemsOf kind: InputProblem.Kind,
        subject: (Provenance) -> String = \.logicalPath,
        message: (String) -> String = { $0 }
    ) -> [Finding] {
        graph.problems.compactMap { problem in
            guard problem.kind == kind else { return nil }
            return finding(message(problem.message), at: problem.provenance, subject: subject(problem.provenance), related: problem.related)
        }
    }
}
