import Foundation

extension String {
    /// Every character but RFC 3986's unreserved ones (ASCII letters, digits, `-._~`)
    /// percent-encoded as UTF-8: safe in a URL's user information and in a form body alike.
    var percentEncodingAllButUnreserved: String {
        addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? self
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
