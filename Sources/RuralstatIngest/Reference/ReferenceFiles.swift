import RuralstatModel

/// Loading the reference data every run needs: the division registry and the indicator catalog.
public enum ReferenceFiles {
    /// Reads one or more division lists in the NBS layout (`code,name,parent_code[,urban_rural_class]`,
    /// header in English or Chinese) and builds the registry of `edition`.
    ///
    /// The files may come in any order (parents are linked after all rows are read). Without an
    /// explicit edition, the four-digit year in the file names (`nbs2023_townships.csv`) is used.
    public static func loadRegistry(paths: [String], edition: Int? = nil) throws -> RegionRegistry {
        guard let edition = edition ?? editionFromNames(paths) else {
            throw IngestError(
                file: paths.first ?? "-", rule: .malformedHeader,
                message: "cannot tell the registry edition from the file names; give it explicitly (e.g. --edition 2023)")
        }
        var builder = RegistryBuilder(edition: edition)
        for path in paths {
            let reader = CSVReader(source: try ByteSources.open(path))
            guard try reader.next() else { continue }
            let header = HeaderMap(reader.strings, aliases: registryAliases)
            guard let code = header["code"], let name = header["name"], let parent = header["parent_code"] else {
                throw IngestError(
                    file: path, line: 1, rule: .malformedHeader,
                    message:
                        "a division list needs the columns code, name, parent_code (optional urban_rural_class); found: \(reader.strings.joined(separator: ","))"
                )
            }
            let urban = header["urban_rural_class"]
            while try reader.next() {
                if reader.isBlank { continue }
                guard reader.fieldCount == header.count else {
                    builder.add(
                        problem: RegistryProblem(
                            location: SourceLocation(file: path, line: reader.line), rule: .fieldCount,
                            code: reader.string(0), message: "has \(reader.fieldCount) fields; the header has \(header.count)"))
                    continue
                }
                builder.add(
                    code: reader.string(code), name: reader.string(name), parentCode: reader.string(parent),
                    urbanRuralClass: urban.map(reader.string) ?? "", file: path, line: reader.line)
            }
        }
        return try builder.build()
    }

    /// Reads the indicator catalog (YAML).
    public static func loadCatalog(path: String) throws -> IndicatorCatalog {
        let bytes = try ByteSources.readAll(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw IngestError(file: path, rule: .encoding, message: "the catalog is not UTF-8 text")
        }
        return try IndicatorCatalog(yaml: text, file: path)
    }

    static let registryAliases: [String: [String]] = [
        "code": ["code", "region_code", "代码", "区划代码", "统计用区划代码"],
        "name": ["name", "名称"],
        "parent_code": ["parent_code", "parent", "上级代码"],
        "urban_rural_class": ["urban_rural_class", "城乡分类代码", "城乡分类"],
    ]

    static func editionFromNames(_ paths: [String]) -> Int? {
        for path in paths {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            let digits = Array(name.utf8)
            var index = 0
            while index + 4 <= digits.count {
                let window = digits[index..<index + 4]
                if window.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                    index == 0 || !(48...57).contains(digits[index - 1]),
                    index + 4 == digits.count || !(48...57).contains(digits[index + 4]),
                    let year = Int(String(decoding: window, as: UTF8.self)), (1980...2100).contains(year)
                {
                    return year
                }
                index += 1
            }
        }
        return nil
    }
}
