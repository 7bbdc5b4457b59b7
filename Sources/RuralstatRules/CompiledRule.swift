import RuralstatModel

/// A rule compiled for speed: a flat program for a small stack machine, evaluated on a record of
/// doubles laid out by an ``IndicatorSlots`` table (NaN = not reported).
///
/// Evaluation does no dictionary look-ups, string work or allocation: it checks the slots the rule
/// needs for NaN, then runs the instructions over a stack on the call stack. Conditions are kept on
/// the stack as 1 (true) and 0 (false).
///
/// The outcome is the same as the tree walk of ``EditRule/explain(_:)`` (a property test checks this):
/// - a missing value used outside `is_missing` → not applicable;
/// - a division by zero anywhere → not applicable;
/// - an `if` condition that is false → not applicable;
/// - otherwise pass or fail.
/// Because every one of these makes the whole rule not applicable, `and` and `or` need not
/// short-circuit, and the order of evaluation never changes the outcome.
public struct CompiledRule: Sendable {
    enum Instruction: Sendable {
        case constant(Double)
        case load(slot: Int)
        /// Pushes 1 when the slot is NaN.
        case isMissing(slot: Int)
        case negate, add, subtract, multiply
        /// Stops with "not applicable" when the divisor is zero.
        case divide
        case compare(RuleExpression.Comparison)
        /// Membership in `setValues[start..<end]`, within the tolerance.
        case member(start: Int, end: Int)
        case not, and, or
        case abs
        case min(count: Int), max(count: Int)
        case inRange
        /// The guard of `if … then`: stops with "not applicable" when the condition on top is false.
        case requireTrue
    }

    /// The program and its constants, immutable and shared: copying a compiled rule (as a loop over
    /// rules does for every record) then costs one reference count, not one per array.
    final class Code: Sendable {
        let program: [Instruction]
        let setValues: [Double]
        /// The slots whose NaN makes the rule not applicable (read outside `is_missing`).
        let required: [Int]
        /// The rule reads an indicator the layout does not carry, so it is missing in every record.
        let neverApplicable: Bool
        let stackDepth: Int

        init(program: [Instruction], setValues: [Double], required: [Int], neverApplicable: Bool, stackDepth: Int) {
            self.program = program
            self.setValues = setValues
            self.required = required
            self.neverApplicable = neverApplicable
            self.stackDepth = stackDepth
        }
    }

    let code: Code
    /// The absolute tolerance of `==`, `!=` and `in`.
    public let tolerance: Double
    /// The shortest record the rule can read (one past its highest slot).
    public let recordLength: Int

    /// Compiles `expression` for records laid out by `slots`. An indicator the layout does not carry
    /// counts as missing in every record (so `is_missing` of it is true).
    public init(_ expression: RuleExpression, slots: IndicatorSlots, tolerance: Double = EditRule.defaultTolerance) {
        var compiler = Compiler(slots: slots)
        compiler.emit(expression)
        var seen: Set<Int> = []
        var required: [Int] = []
        var neverApplicable = false
        for indicator in expression.requiredIndicators {
            if let slot = slots[indicator] {
                if seen.insert(slot).inserted { required.append(slot) }
            } else {
                neverApplicable = true
            }
        }
        code = Code(
            program: compiler.program, setValues: compiler.setValues, required: required,
            neverApplicable: neverApplicable, stackDepth: Swift.max(compiler.maxDepth, 1))
        self.tolerance = tolerance
        recordLength = (compiler.highestSlot ?? -1) + 1
    }

    /// Evaluates the rule on one record (NaN = not reported).
    public func evaluate(_ record: [Double]) -> RuleOutcome {
        record.withUnsafeBufferPointer { evaluate($0) }
    }

    /// Evaluates the rule on one record (NaN = not reported). The record must be at least
    /// ``recordLength`` long.
    public func evaluate(_ record: UnsafeBufferPointer<Double>) -> RuleOutcome {
        precondition(record.count >= recordLength, "a record of \(record.count) values is shorter than the rule's layout (\(recordLength))")
        let code = code  // one retain for the whole evaluation
        if code.neverApplicable { return .notApplicable }
        for slot in code.required where record[slot].isNaN { return .notApplicable }
        return code.program.withUnsafeBufferPointer { program in
            code.setValues.withUnsafeBufferPointer { sets in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: code.stackDepth) { stack in
                    Self.run(program, sets: sets, record: record, stack: stack, tolerance: tolerance)
                }
            }
        }
    }

    private static func run(
        _ code: UnsafeBufferPointer<Instruction>, sets: UnsafeBufferPointer<Double>,
        record: UnsafeBufferPointer<Double>, stack: UnsafeMutableBufferPointer<Double>,
        tolerance: Double
    ) -> RuleOutcome {
        var top = -1
        for instruction in code {
            switch instruction {
            case .constant(let value):
                top += 1
                stack[top] = value
            case .load(let slot):
                top += 1
                stack[top] = record[slot]
            case .isMissing(let slot):
                top += 1
                stack[top] = record[slot].isNaN ? 1 : 0
            case .negate:
                stack[top] = -stack[top]
            case .add:
                top -= 1
                stack[top] += stack[top + 1]
            case .subtract:
                top -= 1
                stack[top] -= stack[top + 1]
            case .multiply:
                top -= 1
                stack[top] *= stack[top + 1]
            case .divide:
                if stack[top] == 0 { return .notApplicable }
                top -= 1
                stack[top] /= stack[top + 1]
            case .compare(let op):
                top -= 1
                stack[top] = op.holds(stack[top], stack[top + 1], tolerance: tolerance) ? 1 : 0
            case .member(let start, let end):
                let value = stack[top]
                var found = false
                for index in start..<end where Swift.abs(value - sets[index]) <= tolerance {
                    found = true
                    break
                }
                stack[top] = found ? 1 : 0
            case .not:
                stack[top] = stack[top] == 0 ? 1 : 0
            case .and:
                top -= 1
                stack[top] = stack[top] != 0 && stack[top + 1] != 0 ? 1 : 0
            case .or:
                top -= 1
                stack[top] = stack[top] != 0 || stack[top + 1] != 0 ? 1 : 0
            case .abs:
                stack[top] = Swift.abs(stack[top])
            case .min(let count):
                // Folded left to right, as the tree walk does.
                let base = top - count + 1
                var result = stack[base]
                for index in stride(from: base + 1, through: top, by: 1) { result = Swift.min(result, stack[index]) }
                top = base
                stack[top] = result
            case .max(let count):
                let base = top - count + 1
                var result = stack[base]
                for index in stride(from: base + 1, through: top, by: 1) { result = Swift.max(result, stack[index]) }
                top = base
                stack[top] = result
            case .inRange:
                top -= 2
                stack[top] = stack[top + 1] <= stack[top] && stack[top] <= stack[top + 2] ? 1 : 0
            case .requireTrue:
                if stack[top] == 0 { return .notApplicable }
                top -= 1
            }
        }
        return stack[0] != 0 ? .pass : .fail
    }

    /// Emits post-order code for a tree and tracks the stack depth it needs.
    private struct Compiler {
        let slots: IndicatorSlots
        var program: [Instruction] = []
        var setValues: [Double] = []
        var depth = 0
        var maxDepth = 0
        var highestSlot: Int?

        init(slots: IndicatorSlots) { self.slots = slots }

        /// Appends an instruction that changes the stack depth by `effect`.
        private mutating func append(_ instruction: Instruction, _ effect: Int) {
            program.append(instruction)
            depth += effect
            maxDepth = Swift.max(maxDepth, depth)
        }

        private mutating func slot(_ code: String) -> Int? {
            guard let slot = slots[code] else { return nil }
            highestSlot = Swift.max(highestSlot ?? slot, slot)
            return slot
        }

        mutating func emit(_ expression: RuleExpression) {
            switch expression {
            case .number(let value):
                append(.constant(value), 1)
            case .indicator(let code):
                // Not in the layout: the rule is never applicable (see `neverApplicable`); the constant is never read.
                append(slot(code).map { .load(slot: $0) } ?? .constant(.nan), 1)
            case .isMissing(let code):
                append(slot(code).map { .isMissing(slot: $0) } ?? .constant(1), 1)
            case .negate(let operand):
                emit(operand)
                append(.negate, 0)
            case .arithmetic(let op, let left, let right):
                emit(left)
                emit(right)
                switch op {
                case .add: append(.add, -1)
                case .subtract: append(.subtract, -1)
                case .multiply: append(.multiply, -1)
                case .divide: append(.divide, -1)
                }
            case .comparison(let op, let left, let right):
                emit(left)
                emit(right)
                append(.compare(op), -1)
            case .not(let operand):
                emit(operand)
                append(.not, 0)
            case .and(let left, let right):
                emit(left)
                emit(right)
                append(.and, -1)
            case .or(let left, let right):
                emit(left)
                emit(right)
                append(.or, -1)
            case .member(let operand, let values):
                emit(operand)
                let start = setValues.count
                setValues += values
                append(.member(start: start, end: setValues.count), 0)
            case .call(let function, let arguments):
                for argument in arguments { emit(argument) }
                switch function {
                case .abs: append(.abs, 0)
                case .min: append(.min(count: arguments.count), 1 - arguments.count)
                case .max: append(.max(count: arguments.count), 1 - arguments.count)
                case .inRange: append(.inRange, -2)
                }
            case .conditional(let condition, let body):
                emit(condition)
                append(.requireTrue, -1)
                emit(body)
            }
        }
    }
}
