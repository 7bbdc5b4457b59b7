/// The software version recorded with every run and written into every manifest.
public enum RuralstatVersion {
    public static let current = "0.1.0"
}
