using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MedicalHub.Communication.Api.Delivery;
using MimeKit;

namespace MedicalHub.Communication.Api.Providers.Smtp;

/// <summary>
/// E-mail over SMTP (MailKit): the development mailbox, or any relay. Connections are kept open and reused (one message
/// at a time each), so a burst does not pay a TCP and SMTP handshake per message. SMTP has no idempotency key: the
/// attempt id goes into the Message-ID, so a duplicate after a crash can at least be recognised by the receiving side.
/// </summary>
public sealed class SmtpDeliveryProvider(string name, SmtpEndpoint endpoint, string from, ILogger<SmtpDeliveryProvider> logger) : IDeliveryProvider, IDisposable
{
    private const int MaxIdleConnections = 16;
    private readonly ConcurrentBag<SmtpClient> _idle = [];

    public string Name => name;

    public Channel Channel => Channel.Email;

    public async Task<DeliveryResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        MimeMessage mime;
        try
        {
            mime = Build(message);
        }
        catch (ParseException ex)
        {
            return DeliveryResult.Permanent($"Invalid address: {ex.Message}");
        }

        SmtpClient? client = null;
        try
        {
            var reused = _idle.TryTake(out client) && client.IsConnected;
            if (!reused)
            {
                client?.Dispose();
                client = await ConnectAsync(cancellationToken);
            }
            try
            {
                await client!.SendAsync(mime, cancellationToken);
            }
            catch (Exception ex) when (reused && ex is ServiceNotConnectedException or IOException or SocketException)
            {
                // The server closed the idle connection before the message started: send it on a fresh one.
                client!.Dispose();
                client = await ConnectAsync(cancellationToken);
                await client.SendAsync(mime, cancellationToken);
            }
            Return(client);
            client = null;
            return DeliveryResult.Sent(mime.MessageId);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            // 5xx: the server refuses this message or address for good.
            return DeliveryResult.Permanent($"SMTP {(int)ex.StatusCode}: {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException
            or ServiceNotAuthenticatedException or AuthenticationException or SslHandshakeException)
        {
            logger.LogDebug(ex, "SMTP provider {Provider} failed", name);
            return DeliveryResult.Transient($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            client?.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var client))
        {
            client.Dispose();
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.UseTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (endpoint.UserName is not null)
            {
                await client.AuthenticateAsync(endpoint.UserName, endpoint.Password ?? "", cancellationToken);
            }
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private void Return(SmtpClient client)
    {
        if (client.IsConnected && _idle.Count < MaxIdleConnections)
        {
            _idle.Add(client);
        }
        else
        {
            client.Dispose();
        }
    }

    private MimeMessage Build(OutboundMessage message)
    {
        var mime = new MimeMessage { Subject = message.Subject ?? "" };
        mime.From.Add(MailboxAddress.Parse(from));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.MessageId = $"{message.AttemptId:N}.{message.NotificationId:N}@medicalhub";
        foreach (var (header, value) in message.Headers)
        {
            mime.Headers.Add(header, value);
        }
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}

/// <summary>Where an SMTP server is: <c>smtp://host:port</c>, <c>smtps://host:port</c>, or <c>Endpoint=smtp://host:port;Username=...;Password=...</c>.</summary>
public sealed record SmtpEndpoint(string Host, int Port, bool UseTls, string? UserName, string? Password)
{
    public static SmtpEndpoint Parse(string connectionString)
    {
        string endpoint = connectionString;
        string? user = null, password = null;
        if (connectionString.Contains('=', StringComparison.Ordinal))
        {
            var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
            endpoint = parts.GetValueOrDefault("Endpoint") ?? throw new FormatException("The SMTP connection string has no Endpoint.");
            user = parts.GetValueOrDefault("Username");
            password = parts.GetValueOrDefault("Password");
        }

        var uri = new Uri(endpoint);
        var tls = uri.Scheme == "smtps";
        return new SmtpEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? (tls ? 465 : 25) : uri.Port, tls, user, password);
    }
}
