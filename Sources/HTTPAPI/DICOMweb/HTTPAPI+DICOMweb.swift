import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPAPI {
    /// DICOMweb under `/dicom-web` (QIDO-RS, WADO-RS, the capabilities document), and
    /// WADO-URI at `/wado` and `/dicom-web/wado`.
    func addDICOMwebRoutes(to router: Router<Context>) {
        let group = router.group("dicom-web")
        group.get { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: HTTPAPI.capabilities))
        }
        addQIDORoutes(to: group)
        addWADORoutes(to: group)
        addWADOURIRoute(to: router)
    }

    /// What `GET /dicom-web` answers: the services and resources this server supports.
    static let capabilities = ByteBuffer(
        string: """
            {"service":"DICOMweb","standard":"DICOM PS3.18","root":"/dicom-web",\
            "qido-rs":{"resources":["/studies","/series","/instances","/studies/{study}/series",\
            "/studies/{study}/instances","/studies/{study}/series/{series}/instances"],\
            "parameters":["{keyword or tag}={value}","includefield","fuzzymatching","limit","offset"],\
            "media-types":["application/dicom+json","multipart/related; type=\\"application/dicom+xml\\""]},\
            "wado-rs":{"resources":["/studies/{study}","/studies/{study}/series/{series}",\
            "/studies/{study}/series/{series}/instances/{instance}","…/metadata",\
            "…/instances/{instance}/frames/{list}","…/instances/{instance}/bulk/{path}",\
            "/studies/{study}/rendered","…/series/{series}/rendered","…/instances/{instance}/rendered",\
            "…/frames/{list}/rendered","/studies/{study}/thumbnail","…/series/{series}/thumbnail",\
            "…/instances/{instance}/thumbnail","…/frames/{list}/thumbnail"],\
            "media-types":["multipart/related; type=\\"application/dicom\\"; transfer-syntax=*",\
            "application/dicom+json","multipart/related; type=\\"application/dicom+xml\\"",\
            "multipart/related; type=\\"application/octet-stream\\"","multipart/related; type=\\"image/jpeg\\"",\
            "application/zip","image/jpeg","image/png","multipart/related; type=\\"image/png\\""],\
            "transcoding":false,"rendered":true,\
            "rendering-parameters":["window=center,width,linear|linear-exact|sigmoid","viewport=vw,vh[,sx,sy,sw,sh]",\
            "quality","accept"],\
            "rendering":"native pixel data only: MONOCHROME1/2, RGB, YBR_FULL, YBR_FULL_422, PALETTE COLOR"},\
            "wado-uri":{"resources":["/wado","/dicom-web/wado"],"contentType":["application/dicom","image/jpeg","image/png"],\
            "parameters":["windowCenter","windowWidth","rows","columns","region","frameNumber","imageQuality"]}}

            """)
}
