using System.Globalization;
using System.Text.Json;
using MedicalHub.Data.Inbox;

namespace MedicalHub.Workflow.Api.Events;

/// <summary>Reads the fields of an integration event's <c>data</c> leniently (a field of another kind counts as absent), and names a required one that is missing.</summary>
public static class EventData
{
    public static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        } : null;

    public static Guid? Id(JsonElement data, string name) =>
        Text(data, name) is { } text && Guid.TryParse(text, out var id) && id != Guid.Empty ? id : null;

    public static Guid RequiredId(JsonElement data, string type, string name) =>
        Id(data, name) ?? throw new InvalidIntegrationEventException($"A {type} event needs data.{name} (a uuid).");

    public static DateTimeOffset? Date(JsonElement data, string name) =>
        Text(data, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;

    public static decimal? Number(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) ? d : null;

    public static bool? Flag(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>Whether every field named in <paramref name="where"/> has that value in the data (compared as text, case-insensitively).</summary>
    public static bool Matches(JsonElement data, IReadOnlyDictionary<string, string>? where) =>
        where is null || where.All(p => string.Equals(Text(data, p.Key), p.Value, StringComparison.OrdinalIgnoreCase));
}
