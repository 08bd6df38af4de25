/* saslkey fuzzing - the issuer keys of the fixtures (public keys only)
 *
 * Generated once: the JWKS of "/usr/bin/python3 tests/vectors/jwt_vectors.py
 * DIR" (RSA-2048/3072, P-256/384/521, Ed25519, one key without a kid) plus
 * the key of "tests/vectors/mint_token.py DIR init" (kid e2e-rs256), which
 * signed the long-lived token in corpus/fuzz_oauthbearer.  The seed tokens
 * in corpus/ were signed by the matching private keys, which were thrown
 * away: nothing here can mint a token.
 */
#include "fuzz.h"

const char skf_jwks[] =
	"{\"keys\":[{\"kty\":\"RSA\",\"n\":\"n7XwjR0AtjEdzMU2DJ_YDn6EKLNb0KNSHQDOZ6tjp"
	"_GOKt3kFC-u5GOWWlwKk9WecTdFahNv3qDsRA7rk88PDIsYTlNHHGVLD7o7SLkoXiXEg"
	"nwWA6a_gBI8G3TPF8jx0KjypSyRXHv8z54HaFqPQti0SIGIvFdCl3xLeeyqBJKYTSmbc"
	"LXvpUr9TsqkdCtbVHLyp_G4yZLJFaYrwJCO74ndrXfWaA8TE2OpjLFJs8APhfl6uL5xX"
	"_oY7TGk5JUKej8lRayqqWGSryfoJB33YJ0dx72tKsmOWJ71Y8B_dsXElCkrs7oBPY9S5"
	"rhOSNW9Haq5SZV8sEkt_sqirK5f0Q\",\"e\":\"AQAB\",\"kid\":\"rsa-rs256\"},{\"kty\":"
	"\"RSA\",\"n\":\"n7XwjR0AtjEdzMU2DJ_YDn6EKLNb0KNSHQDOZ6tjp_GOKt3kFC-u5GOWW"
	"lwKk9WecTdFahNv3qDsRA7rk88PDIsYTlNHHGVLD7o7SLkoXiXEgnwWA6a_gBI8G3TPF"
	"8jx0KjypSyRXHv8z54HaFqPQti0SIGIvFdCl3xLeeyqBJKYTSmbcLXvpUr9TsqkdCtbV"
	"HLyp_G4yZLJFaYrwJCO74ndrXfWaA8TE2OpjLFJs8APhfl6uL5xX_oY7TGk5JUKej8lR"
	"ayqqWGSryfoJB33YJ0dx72tKsmOWJ71Y8B_dsXElCkrs7oBPY9S5rhOSNW9Haq5SZV8s"
	"Ekt_sqirK5f0Q\",\"e\":\"AQAB\",\"kid\":\"rsa-rs384\",\"alg\":\"RS384\",\"use\":\"sig"
	"\"},{\"kty\":\"RSA\",\"n\":\"n7XwjR0AtjEdzMU2DJ_YDn6EKLNb0KNSHQDOZ6tjp_GOKt3"
	"kFC-u5GOWWlwKk9WecTdFahNv3qDsRA7rk88PDIsYTlNHHGVLD7o7SLkoXiXEgnwWA6a"
	"_gBI8G3TPF8jx0KjypSyRXHv8z54HaFqPQti0SIGIvFdCl3xLeeyqBJKYTSmbcLXvpUr"
	"9TsqkdCtbVHLyp_G4yZLJFaYrwJCO74ndrXfWaA8TE2OpjLFJs8APhfl6uL5xX_oY7TG"
	"k5JUKej8lRayqqWGSryfoJB33YJ0dx72tKsmOWJ71Y8B_dsXElCkrs7oBPY9S5rhOSNW"
	"9Haq5SZV8sEkt_sqirK5f0Q\",\"e\":\"AQAB\",\"kid\":\"rsa-ps256\",\"alg\":\"PS256\"}"
	",{\"kty\":\"RSA\",\"n\":\"n7XwjR0AtjEdzMU2DJ_YDn6EKLNb0KNSHQDOZ6tjp_GOKt3kF"
	"C-u5GOWWlwKk9WecTdFahNv3qDsRA7rk88PDIsYTlNHHGVLD7o7SLkoXiXEgnwWA6a_g"
	"BI8G3TPF8jx0KjypSyRXHv8z54HaFqPQti0SIGIvFdCl3xLeeyqBJKYTSmbcLXvpUr9T"
	"sqkdCtbVHLyp_G4yZLJFaYrwJCO74ndrXfWaA8TE2OpjLFJs8APhfl6uL5xX_oY7TGk5"
	"JUKej8lRayqqWGSryfoJB33YJ0dx72tKsmOWJ71Y8B_dsXElCkrs7oBPY9S5rhOSNW9H"
	"aq5SZV8sEkt_sqirK5f0Q\",\"e\":\"AQAB\",\"kid\":\"rsa-ps384\",\"alg\":\"PS384\",\"k"
	"ey_ops\":[\"verify\"]},{\"kty\":\"RSA\",\"n\":\"oSnID-wjlH6OKgM6enU7XDINGLLti3"
	"59omevfE8ZnY6F5pFdGHOjAz9sE1hxeeo3005NxndL6ARwekVQ40Ky_s6dta5t6sjaZz"
	"Y_pH-LK_12IcSrezUBI9chuINazoNwBr09c8zRG0u0IK6TiGqpaqTulyHQlQGqUyNLiq"
	"N5pMqrat3YWZtqHgwNmjk57JjPYAFp4UjzcNsTUfJ855Z9BbLzff4MdqtUEu-FsClPMJ"
	"4Rv49FwqVxd4P_eYmkYcNBzVmsODsLJLyqWfDZ6SWzWx9RomeF9CC_Ub9BmrOXIgEhHK"
	"CtBmKIAgRGLIEROJ04wprCd0kFqUo50zjWG8pvDRqjXo8fT4WNEwHdsgIEVn3dYdjebH"
	"EFFbjtmyLhtdDdXIOXo1aJRlr2UECm4yOB_Rf2YSnR1tChKGuIN7KdPUjxHmvhh5SMIQ"
	"9xZQwBdy72kCRZeCaBxm7E57mZFFHtjI6U-Q7HPMb5C3Wmp62Qg4HGYDrAa9Q_py03tz"
	"u3IvMN\",\"e\":\"AQAB\",\"kid\":\"rsa3072-rs512\",\"alg\":\"RS512\"},{\"kty\":\"RSA\""
	",\"n\":\"oSnID-wjlH6OKgM6enU7XDINGLLti359omevfE8ZnY6F5pFdGHOjAz9sE1hxee"
	"o3005NxndL6ARwekVQ40Ky_s6dta5t6sjaZzY_pH-LK_12IcSrezUBI9chuINazoNwBr"
	"09c8zRG0u0IK6TiGqpaqTulyHQlQGqUyNLiqN5pMqrat3YWZtqHgwNmjk57JjPYAFp4U"
	"jzcNsTUfJ855Z9BbLzff4MdqtUEu-FsClPMJ4Rv49FwqVxd4P_eYmkYcNBzVmsODsLJL"
	"yqWfDZ6SWzWx9RomeF9CC_Ub9BmrOXIgEhHKCtBmKIAgRGLIEROJ04wprCd0kFqUo50z"
	"jWG8pvDRqjXo8fT4WNEwHdsgIEVn3dYdjebHEFFbjtmyLhtdDdXIOXo1aJRlr2UECm4y"
	"OB_Rf2YSnR1tChKGuIN7KdPUjxHmvhh5SMIQ9xZQwBdy72kCRZeCaBxm7E57mZFFHtjI"
	"6U-Q7HPMb5C3Wmp62Qg4HGYDrAa9Q_py03tzu3IvMN\",\"e\":\"AQAB\",\"kid\":\"rsa307"
	"2-ps512\",\"alg\":\"PS512\"},{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"FbtVi05Dw7rKR"
	"3og8GpbjDOCK96iJeOh5lT_9P1Nsb8\",\"y\":\"DkbjCVgkLga6ssiJNuwmOwSpJMApGkq"
	"c109XXKIJ8bg\",\"kid\":\"ec-p256\"},{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"-N2ftl"
	"2IvAh9s_8IcnyVsjGWu8LtqSP2IoN_l29RMyu4lGIuG2ucBKCQipVyagWC\",\"y\":\"u3A"
	"RzUtiuUELa5s-VJl7IbHdaNkrv6cHx1YUBUTIiSTAon-lCnMAkgUQhCNuRR5f\",\"kid\""
	":\"ec-p384\",\"alg\":\"ES384\"},{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"ATrZtdYzx3b"
	"lzfGpxBa3WzShXVyprLFH1qcmTGFEyXHbnr_q5W2rxZacUVrNApzXece9mriu62jxemB"
	"_Ct1P2csn\",\"y\":\"AGAQFZW5Q9U6VyRE3Lt_6SBIqiR5_Cy8o-V6ouQ2ksK-OmAHGgGW"
	"MTIwwxuKfUe2p3feF39FQh17kt5Mfwh03TRV\",\"kid\":\"ec-p521\",\"use\":\"sig\"},{"
	"\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"VnnPOliPF268Q0uZ040BtcyzH0fTCU-yZLT"
	"CFpe7TZY\",\"kid\":\"ed-1\",\"alg\":\"EdDSA\"},{\"kty\":\"RSA\",\"n\":\"rvEEI-sabFhc"
	"vVEUOi68F--iAe6itMtiI3BstVgwMEZbaKrnHo-aT69iJhdjdE9sg3AoT17mZIKtFEOq"
	"4iNIi5h7Xna13ts5bGSWiQil4g9yH5uw00c3shDhjfflQ87XLPZlpWudT6doeYgkSk1F"
	"KR-6TF5Bz5xmqi62iHdiSgtnpm2_iZhx0OSJ28hjdSs9y1JalHvGR3udSVOki1xGOzQ-"
	"hRLOJb6QsqvVY58YGK2VDCXhFV2QKytOPeIDybbelPTYYdiHRv1hrQxsiSl-CKjDCo89"
	"wxA_w5Y8PUMaYVsyIyD8x3URZfkb6D0TpwTRMIz_vTIk42XMHHml8lkU5Q\",\"e\":\"AQA"
	"B\",\"alg\":\"RS256\"},{\"kty\":\"RSA\",\"kid\":\"e2e-rs256\",\"use\":\"sig\",\"alg\":\""
	"RS256\",\"n\":\"qdNUi7bfBA-Vc2C4GgsRStCSpVnp27d-F46DsIkaVohN7hZRxpjhEjfp"
	"QdvTDmE__IhndgDJfL0-_lWrfJ4zzdpvyCyPWlV2jQ5sN5nuZBgGxDU4yipx34xegTHz"
	"J8QlWL-4DRP-1GUftEUGTKDFaYD2jrvigEJHhoV4wil4ovlezUO0GiCY9xV5Mur0RI7c"
	"34PvBA_h5o_75_PkmuyNvxmbr7bhVMx05YUuZfa2yn13NZK80rTaS4G8w9tbP7-brTb5"
	"12Mwaa5Ew69iVz_Kf0VL4fdiHkyZCXYNOmysSi6AOgYDzSP_s_d_quyMXSFuALNuBrsR"
	"UYMA63HeeX9ioQ\",\"e\":\"AQAB\"}]}";

/*
 * "mint_token.py DIR token iss=https://idp.example.com/realms/mail
 * aud=imap://mail.example.com scope='openid mail' exp_in=2500000000
 * jti=fuzz-seed-1": RS256 under kid e2e-rs256, valid until 2105.
 */
const char skf_good_token[] =
	"eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImUyZS1yczI1NiJ9.eyJ"
	"pc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmNvbS9yZWFsbXMvbWFpbCIsInN1YiI6InN"
	"1Yi1hbGljZUBleGFtcGxlLmNvbSIsImF1ZCI6ImltYXA6Ly9tYWlsLmV4YW1wbGUuY29"
	"tIiwiZXhwIjo0Mjk1ODg0NTAxLCJpYXQiOjE3OTU4ODQ0OTYsIm5iZiI6MTc5NTg4NDQ"
	"5NiwianRpIjoiZnV6ei1zZWVkLTEiLCJzY29wZSI6Im9wZW5pZCBtYWlsIiwiZW1haWw"
	"iOiJhbGljZUBleGFtcGxlLmNvbSJ9.Wd2uuKLPtefya0Y52pWXS7EjpjZGmdARNO6_0B"
	"ZhbergHTd6BOC_746EfUqxVE9WKQMjVLzH-T-je657vYiPnOji3cb09eNCJFIhiI_YsN"
	"ZL8W8TM3o_1B2PDVx3TI0jv_rBIl-jPkV0sP1C_3yFpGjobnwVX0i-yy4l8j-lM6iUlS"
	"zi01KeQ4M7Seez7dwW0agHfrmWSQv9Ttlecnjjng1BRlcaX4rPKR41GWXesoqGXI-XDA"
	"uR2VjlA1nC-m0JeUjuwFPtHQ7p2Fw3047gHG91Qz9qutPjqVXRKyPlDyD62yyR77FY88"
	"IyYNil3BF8Xyx2f0dAo0I1u9gQCnqGiQ";
