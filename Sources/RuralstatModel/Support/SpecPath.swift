/// Paths in specs (the nightly spec, the assessment spec) are relative to the spec's own folder, so
/// that a spec means the same files from whatever folder a run starts in.
public enum SpecPath {
    /// `path` relative to `folder` (an absolute path stays), with `.` and `..` folded away so that
    /// messages name files the way a person would: `pipelines/../sample-data` is `sample-data`.
    public static func resolve(_ path: String, in folder: String) -> String {
        guard !path.hasPrefix("/"), !folder.isEmpty else { return path }
        var parts: [Substring] = []
        var ups = 0
        for part in (folder + "/" + path).split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { ups += 1 } else { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        let relative = (Array(repeating: "..", count: ups) + parts.map(String.init)).joined(separator: "/")
        return folder.hasPrefix("/") ? "/" + relative : (relative.isEmpty ? "." : relative)
    }
}
