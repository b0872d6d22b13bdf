namespace DaprPlatform.Sidecar;

/// <summary>Entries the sidecar could not publish. EntryId is the index of the event in the request list.</summary>
public sealed record BulkPublishResponse(IReadOnlyList<BulkPublishFailure> FailedEntries);

public sealed record BulkPublishFailure(string EntryId, string Error);
