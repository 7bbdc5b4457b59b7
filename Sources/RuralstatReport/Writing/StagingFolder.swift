import Foundation

/// The folder a report is written into before its files are moved into place one by one (each
/// move atomic), so that a run killed while writing leaves the previous reports. It remembers the
/// file being written, so that a failure names it.
final class StagingFolder {
    /// The report folder the files end up in.
    let folder: String
    let path: String
    /// The files written so far, relative to the folder.
    private var relative: [String] = []
    /// The file being written or moved.
    private var current: String

    init(folder: String, runID: Int64) {
        self.folder = folder
        path = (folder as NSString).appendingPathComponent(".staging-\(runID)")
        current = path
    }

    /// An empty staging folder (a killed run's is cleared).
    func create() throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The staging path of the report file `name` (e.g. `tables/indicators.xlsx`), its folder made.
    func path(_ name: String) throws -> String {
        let full = (path as NSString).appendingPathComponent(name)
        current = full
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        relative.append(name)
        return full
    }

    /// Moves every file into the report folder and removes the staging folder; returns the files' paths.
    func moveIntoPlace() throws -> [String] {
        var moved: [String] = []
        for name in relative {
            let target = (folder as NSString).appendingPathComponent(name)
            current = target
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if rename((path as NSString).appendingPathComponent(name), target) != 0 {
                throw OutputError(path: target, message: String(cString: strerror(errno)))
            }
            moved.append(target)
        }
        remove()
        return moved
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The file a failure happened on, under the report's own name (the staging folder is gone by then).
    var shownPath: String { current.hasPrefix(path) ? folder + current.dropFirst(path.count) : current }
}
