import Foundation

/// A bounded queue from one producing thread to one consuming thread: the producer waits while
/// `depth` elements wait, the consumer while none does. The producer ends it (after a last element
/// or without one); the consumer cancels it when it stops early, which ends a waiting producer.
final class HandOffQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var finished = false
    private var cancelled = false
    private let depth: Int

    init(depth: Int) {
        precondition(depth >= 1, "a hand-off needs room for one element")
        self.depth = depth
    }

    /// Queues `element`, waiting while `depth` wait; `last` ends the queue after it. Returns false
    /// when the consumer has cancelled (the element is dropped).
    func put(_ element: Element, last: Bool = false) -> Bool {
        condition.withLock {
            while elements.count >= depth, !cancelled { condition.wait() }
            guard !cancelled else { return false }
            elements.append(element)
            finished = last
            condition.broadcast()
            return true
        }
    }

    /// Ends the queue without a further element.
    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    /// The next element, waiting for one; nil once the queue has ended and every element was taken.
    func take() -> Element? {
        condition.withLock {
            while elements.isEmpty, !finished { condition.wait() }
            guard !elements.isEmpty else { return nil }
            condition.broadcast()
            return elements.removeFirst()
        }
    }

    /// The consumer takes nothing more: a waiting or later ``put(_:last:)`` returns false.
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }
}
