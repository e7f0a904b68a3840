using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using MedicalHub.Content.Api.Fhir;

namespace MedicalHub.Content.Api.Documents;

/// <summary>
/// A DocumentReference's JSON as the Firely SDK cannot read it alone: it models <c>Attachment.size</c> as R5's integer64, so
/// its strict R4 parser refuses the string its own client writes (<c>"size":"134"</c>) and fails on the number R4 prescribes
/// (a cast error when the size is read). Each <c>content.attachment.size</c>, either way, is taken out here, checked, and put
/// back on the parsed attachment.
/// </summary>
public static class DocumentReferenceJson
{
    public static DocumentReference Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FhirInputException("The resource is not valid FHIR R4 JSON: " + ex.Message);
        }
        var sizes = new Dictionary<int, long>();
        if (root is JsonObject resource && resource["content"] is JsonArray content)
        {
            for (var i = 0; i < content.Count; i++)
            {
                if (content[i] is JsonObject { } item && item["attachment"] is JsonObject attachment && attachment.ContainsKey("size"))
                {
                    sizes[i] = SizeOf(attachment["size"]);
                    attachment.Remove("size");
                }
            }
            json = root.ToJsonString();
        }
        var parsed = FhirRequest.ParseResource<DocumentReference>(json);
        foreach (var (index, size) in sizes)
        {
            parsed.Content[index].Attachment.Size = size;
        }
        return parsed;
    }

    private static long SizeOf(JsonNode? size)
    {
        if (size is JsonValue value
            && ((value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number))
                || (value.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number)))
            && number >= 0)
        {
            return number;
        }
        throw new FhirInputException("DocumentReference.content.attachment.size: the number of bytes, an unsigned integer.");
    }
}
