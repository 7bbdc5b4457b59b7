extension Indicator {
    /// The target in force for a year: that of the latest target year not after it, else the first
    /// one (a year before the plan's first target is held to it).
    public func target(inForce year: Int) -> (year: Int, target: Target)? {
        let years = targets.keys.sorted()
        guard let chosen = years.last(where: { $0 <= year }) ?? years.first, let target = targets[chosen] else { return nil }
        return (chosen, target)
    }
}

extension Target {
    /// Whether `value` meets the target: by its comparator, or, for a bare number, by reaching it in
    /// the indicator's direction (at least it when higher is better, at most it when lower is).
    public func isMet(by value: Double, direction: Direction) -> Bool {
        switch comparator {
        case .greater: value > self.value
        case .greaterOrEqual: value >= self.value
        case .less: value < self.value
        case .lessOrEqual: value <= self.value
        case .equal: direction == .higher ? value >= self.value : value <= self.value
        }
    }
}
