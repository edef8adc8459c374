// hostile: opens a socket
// expect: rejected network 9
using System.Net.Sockets;

public static class P
{
    public static int Label(string text)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect("evil.example", 80);
        return 1;
    }
}
