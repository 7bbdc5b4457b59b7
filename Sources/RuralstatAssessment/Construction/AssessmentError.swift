/// An assessment that cannot be built as asked: a method without what it needs, a spec that names
/// what does not exist. The message says which indicator, dimension or setting, and why.
public struct AssessmentError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in a sentence.
    public let description: String

    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
