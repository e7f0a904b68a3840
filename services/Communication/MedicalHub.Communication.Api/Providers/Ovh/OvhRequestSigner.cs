using System.Security.Cryptography;
using System.Text;

namespace MedicalHub.Communication.Api.Providers.Ovh;

/// <summary>
/// OVH API v1 request signature:
/// <c>"$1$" + hex(SHA1(ApplicationSecret + "+" + ConsumerKey + "+" + METHOD + "+" + full URL + "+" + body + "+" + timestamp))</c>.
/// </summary>
public static class OvhRequestSigner
{
    public static string Sign(string applicationSecret, string consumerKey, string method, Uri url, string body, long timestamp)
    {
        var toSign = string.Join('+', applicationSecret, consumerKey, method.ToUpperInvariant(), url.AbsoluteUri, body, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
#pragma warning disable CA5350 // SHA-1 is what OVH's signature scheme specifies; it is not our choice of hash
        return "$1$" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(toSign)));
#pragma warning restore CA5350
    }
}
