/// The software version recorded with every run and written into every manifest.
public enum RuralstatVersion {
    /// The version of this build (`major.minor.patch`).
    public static let current = "0.1.0"
}
