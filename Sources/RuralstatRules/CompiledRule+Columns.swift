import RuralstatModel

extension CompiledRule {
    /// Evaluates the rule for many units at once, laid out as columns (one per slot, NaN = not
    /// reported), writing each unit's outcome. The program runs over chunks of units, each
    /// instruction over the whole chunk, so a screen of millions of units pays the instruction
    /// dispatch once per chunk, not once per unit. Outcomes equal ``evaluate(_:)-(UnsafeBufferPointer<Double>)``
    /// unit by unit (a property test checks this).
    public func evaluate(columns: [UnsafeBufferPointer<Double>], count: Int, into outcomes: UnsafeMutableBufferPointer<RuleOutcome>) {
        precondition(columns.count >= recordLength && outcomes.count >= count)
        let code = code
        if code.neverApplicable {
            for unit in 0..<count { outcomes[unit] = .notApplicable }
            return
        }
        let chunk = 512
        let depth = code.stackDepth
        withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk * depth) { stack in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: chunk) { unusable in
                var start = 0
                while start < count {
                    let n = Swift.min(chunk, count - start)
                    for unit in 0..<n { unusable[unit] = false }
                    for slot in code.required {
                        for unit in 0..<n where columns[slot][start + unit].isNaN { unusable[unit] = true }
                    }
                    code.program.withUnsafeBufferPointer { program in
                        code.setValues.withUnsafeBufferPointer { sets in
                            Self.run(
                                program, sets: sets, columns: columns, start: start, n: n, stack: stack, chunk: chunk,
                                unusable: unusable, tolerance: tolerance)
                        }
                    }
                    for unit in 0..<n {
                        outcomes[start + unit] = unusable[unit] ? .notApplicable : (stack[unit] != 0 ? .pass : .fail)
                    }
                    start += n
                }
            }
        }
    }

    /// The stack machine with a vector per stack entry: entry k of unit u is `stack[k * chunk + u]`.
    private static func run(
        _ code: UnsafeBufferPointer<Instruction>, sets: UnsafeBufferPointer<Double>, columns: [UnsafeBufferPointer<Double>],
        start: Int, n: Int, stack: UnsafeMutableBufferPointer<Double>, chunk: Int,
        unusable: UnsafeMutableBufferPointer<Bool>, tolerance: Double
    ) {
        var top = -1
        @inline(__always) func entry(_ k: Int) -> Int { k * chunk }
        for instruction in code {
            switch instruction {
            case .constant(let value):
                top += 1
                let base = entry(top)
                for u in 0..<n { stack[base + u] = value }
            case .load(let slot):
                top += 1
                let base = entry(top), column = columns[slot]
                for u in 0..<n { stack[base + u] = column[start + u] }
            case .isMissing(let slot):
                top += 1
                let base = entry(top), column = columns[slot]
                for u in 0..<n { stack[base + u] = column[start + u].isNaN ? 1 : 0 }
            case .negate:
                let base = entry(top)
                for u in 0..<n { stack[base + u] = -stack[base + u] }
            case .add, .subtract, .multiply, .divide:
                top -= 1
                let a = entry(top), b = entry(top + 1)
                switch instruction {
                case .add: for u in 0..<n { stack[a + u] += stack[b + u] }
                case .subtract: for u in 0..<n { stack[a + u] -= stack[b + u] }
                case .multiply: for u in 0..<n { stack[a + u] *= stack[b + u] }
                default:
                    for u in 0..<n {
                        if stack[b + u] == 0 { unusable[u] = true }
                        stack[a + u] /= stack[b + u]
                    }
                }
            case .compare(let op):
                top -= 1
                let a = entry(top), b = entry(top + 1)
                for u in 0..<n { stack[a + u] = op.holds(stack[a + u], stack[b + u], tolerance: tolerance) ? 1 : 0 }
            case .member(let first, let end):
                let base = entry(top)
                for u in 0..<n {
                    let value = stack[base + u]
                    var found = false
                    for index in first..<end where Swift.abs(value - sets[index]) <= tolerance {
                        found = true
                        break
                    }
                    stack[base + u] = found ? 1 : 0
                }
            case .not:
                let base = entry(top)
                for u in 0..<n { stack[base + u] = stack[base + u] == 0 ? 1 : 0 }
            case .and, .or:
                top -= 1
                let a = entry(top), b = entry(top + 1)
                if case .and = instruction {
                    for u in 0..<n { stack[a + u] = stack[a + u] != 0 && stack[b + u] != 0 ? 1 : 0 }
                } else {
                    for u in 0..<n { stack[a + u] = stack[a + u] != 0 || stack[b + u] != 0 ? 1 : 0 }
                }
            case .abs:
                let base = entry(top)
                for u in 0..<n { stack[base + u] = Swift.abs(stack[base + u]) }
            case .min(let count), .max(let count):
                let first = top - count + 1
                let isMin: Bool = if case .min = instruction { true } else { false }
                let a = entry(first)
                for k in stride(from: first + 1, through: top, by: 1) {
                    let b = entry(k)
                    // Folded left to right, as the tree walk does.
                    for u in 0..<n { stack[a + u] = isMin ? Swift.min(stack[a + u], stack[b + u]) : Swift.max(stack[a + u], stack[b + u]) }
                }
                top = first
            case .inRange:
                top -= 2
                let x = entry(top), low = entry(top + 1), high = entry(top + 2)
                for u in 0..<n { stack[x + u] = stack[low + u] <= stack[x + u] && stack[x + u] <= stack[high + u] ? 1 : 0 }
            case .requireTrue:
                let base = entry(top)
                for u in 0..<n where stack[base + u] == 0 { unusable[u] = true }
                top -= 1
            }
        }
    }
}
