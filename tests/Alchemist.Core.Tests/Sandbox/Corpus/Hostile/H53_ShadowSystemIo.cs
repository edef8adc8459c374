// hostile: declares its own System.IO namespace to shadow the real one
// expect: rejected namespace 3
namespace System.IO
{
    public static class Innocent
    {
        public static int Label(string text) => 1;
    }
}
