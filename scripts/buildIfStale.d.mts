export declare const projectRoot: string;
export declare const builtMarker: string;
export declare function isBuildStale(): boolean;
export declare function buildIfStale(log?: (line: string) => void): boolean;
