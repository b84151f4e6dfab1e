/// Where listeners hand their event batches; `deliver` suspends while the pipeline is full.
public protocol EventSink: Sendable {
    func deliver(_ batch: EventBatch) async
}
