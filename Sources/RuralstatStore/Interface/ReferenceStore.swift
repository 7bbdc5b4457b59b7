import RuralstatModel

/// The reference data a store keeps beside the figures: the division registry, by edition, and the
/// indicator catalog.
///
/// One facet of ``IndicatorStore``.
public protocol ReferenceStore: Sendable {
    /// Replaces the stored units of `registry.edition` with this registry's units (other editions stay).
    func saveRegistry(_ registry: RegionRegistry) throws
    /// The stored registry of an edition, or of the newest edition when `edition` is `nil`.
    func loadRegistry(edition: Int?) throws -> RegionRegistry?
    /// Replaces the stored indicator definitions and targets with the catalog's.
    func saveCatalog(_ catalog: IndicatorCatalog) throws
    /// Every indicator code of the stored catalog with its names (each definition version's).
    func indicatorNames() throws -> [(code: String, nameZh: String, nameEn: String)]
}
