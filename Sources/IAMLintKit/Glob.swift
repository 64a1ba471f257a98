/// Path globs: `*` and `?` within one path segment, `**` across segments, `[abc]` classes.
public enum Glob {
    /// Whether `path` matches `pattern`. With `separator` nil, `*` also crosses `/` (and `.`-paths).
    public static func matches(_ pattern: String, _ path: String, separator: Character? = "/") -> Bool {
        let p = Array(pattern)
        let t = Array(path)
        return match(p, 0, t, 0, separator)
    }

    private static func match(_ p: [Character], _ pi: Int, _ t: [Character], _ ti: Int, _ sep: Character?) -> Bool {
        var pi = pi, ti = ti
        while pi < p.count {
            let c = p[pi]
            if c == "*" {
                let doubleStar = pi + 1 < p.count && p[pi + 1] == "*"
                if doubleStar || sep == nil {
                    var next = pi + (doubleStar ? 2 : 1)
                    // `**/` also matches zero folders.
                    if doubleStar, next < p.count, p[next] == "/" {
                        if match(p, next + 1, t, ti, sep) { return true }
                        next += 1
                    }
                    var k = ti
                    while k <= t.count {
                        if match(p, next, t, k, sep) { return true }
                        k += 1
                    }
                    return false
                }
                var k = ti
                while true {
                    if match(p, pi + 1, t, k, sep) { return true }
                    if k >= t.count || t[k] == sep { return false }
                    k += 1
                }
            }
            guard ti < t.count else { return false }
            if c == "?" {
                if t[ti] == sep { return false }
            } else if c == "[", let close = p[(pi + 1)...].firstIndex(of: "]") {
                let set = p[(pi + 1)..<close]
                let negate = set.first == "!"
                let members = negate ? set.dropFirst() : set
                if members.contains(t[ti]) == negate { return false }
                pi = close
            } else if c != t[ti] {
                return false
            }
            pi += 1
            ti += 1
        }
        return ti == t.count
    }
}
