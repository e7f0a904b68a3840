using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace MedicalHub.Identity.Api.SignIn;

/// <summary>
/// ASP.NET Core Data Protection's key ring, which protects the login cookie and the antiforgery tokens,
/// kept in Identity's Redis so that every replica reads the cookies another one wrote. (The token server's
/// keys are elsewhere: <c>signing_keys</c>.) Losing it only ends logins in progress: the cookie lives minutes.
/// </summary>
internal sealed class RedisKeyRing(IConnectionMultiplexer redis) : IXmlRepository
{
    public const string Key = "medicalhub:dataprotection:keys";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. redis.GetDatabase().ListRange(Key).Select(value => XElement.Parse(value.ToString()))];

    public void StoreElement(XElement element, string friendlyName) =>
        redis.GetDatabase().ListRightPush(Key, element.ToString(SaveOptions.DisableFormatting));
}
