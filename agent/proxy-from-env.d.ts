declare module "proxy-from-env" {
  /** The proxy URL for `url` per HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY, or "" for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}
